/*
 * Things asked of a vCPU by others: a software interrupt, a fence, a start.
 *
 * A vCPU is only changed on its home hart. Another hart posts a request
 * bit in the vCPU's `requests` word (or, for a fence, an entry in the home
 * hart's fence queue), then kicks the hart: it raises the hart's `work`
 * flag and sends it an IPI through the firmware. The home hart clears the
 * IPI, then the flag, then looks at the requests: whatever was posted before
 * the flag was raised is seen, and whatever comes after raises it again,
 * so no request waits for a wake-up that never comes (docs/smp.md).
 */
#ifndef KEEL_VCPU_REQUEST_H
#define KEEL_VCPU_REQUEST_H

#include "hart.h"
#include "vcpu.h"
#include "vcpu/vcpu_load.h"

enum vcpu_request_bits {
	VCPU_REQ_IPI = 1UL << 0,   /* raise the guest's SSIP (SBI IPI) */
	VCPU_REQ_START = 1UL << 1, /* HSM hart_start: resume_addr/opaque are set */
	VCPU_REQ_CHECK = 1UL << 2, /* its VM changed state: look again */
	VCPU_REQ_EXT_IRQ = 1UL << 3, /* make VSEIP follow ext_line */
	VCPU_REQ_DEVICES = 1UL << 4, /* typed input, frames, disk answers: vdev_service() */
};

/* Ask hart h to look at its work: set the flag, then IPI it if remote. */
void hart_kick(struct hart *h);
/* Post request bits to v and kick its home hart. */
void vcpu_post_request(struct vcpu *v, unsigned long bits);
/* SBI IPI: the target gets SSIP (counted IPI_RCVD on its home hart). */
void vcpu_send_ipi(struct vcpu *from, struct vcpu *to);
#endif
