/* The machine's network card as a port of the switch (net_uplink.h). */
#include <stddef.h>

#include "lib/console.h"
#include "mm/mem.h"
#include "platform/host_net.h"
#include "riscv.h"
#include "vm/net_uplink.h"

static struct net_switch *uplink_switch;
static struct net_port uplink;
static struct host_net *card;

/* The card's transmit queue asks for the next frame: the oldest in the uplink's inbox */
static int next_frame(void *ctx, uint8_t *buf, unsigned int size)
{
	(void)ctx;
	return net_port_take(uplink_switch, &uplink, buf, size);
}

/*
 * A VM sent a frame the uplink got (its transmit exit, switch lock
 * released): onto the card's queue now, so nothing waits for an interrupt
 * that only a busy queue would bring.
 */
static void uplink_wake(struct net_port *p)
{
	(void)p;
	host_net_send(card, next_frame, NULL);
}

/* A frame from outside (boot hart, the card's interrupt): into the switch */
static void from_outside(void *ctx, const uint8_t *frame, unsigned int len)
{
	(void)ctx;
	net_switch_send(uplink_switch, &uplink, frame, len);
}

/* The card sent some: what waited in the inbox for room goes now */
static void card_has_room(void *ctx)
{
	(void)ctx;
	if (net_port_pending(&uplink))
		host_net_send(card, next_frame, NULL);
}

void net_uplink_plug(struct net_switch *sw)
{
	uint64_t inbox_size = (NET_INBOX_FRAMES * sizeof(struct net_frame) + PAGE_SIZE - 1) &
			      ~(uint64_t)(PAGE_SIZE - 1);
	struct net_frame *inbox;
	char why[160] = "";
	struct host_net *h = host_net_find(why, sizeof(why));

	if (!h) {
		pr_info("net: the switch has no uplink: %s\n", why);
		return;
	}
	inbox = (void *)(uintptr_t)mem_pool_alloc(&keel_mem, inbox_size, PAGE_SIZE);
	if (!inbox) {
		pr_err("net: no memory for the uplink's inbox: the switch has no uplink\n");
		return;
	}
	uplink_switch = sw;
	for (unsigned int i = 0; i < NET_MAC_LEN; i++)
		uplink.mac[i] = h->mac[i];
	uplink.wake = uplink_wake;
	if (net_switch_attach(sw, &uplink, inbox)) {
		pr_err("net: the switch has no port left for the uplink\n");
		return;
	}
	card = h;
	host_net_start(h, from_outside, card_has_room, NULL);
	pr_info("net: the switch's uplink is the machine's virtio-net at 0x%lx "
		"(%02x:%02x:%02x:%02x:%02x:%02x%s)\n",
		(unsigned long)h->base, h->mac[0], h->mac[1], h->mac[2], h->mac[3], h->mac[4],
		h->mac[5], h->has_mac ? "" : ", no address offered");
}

void net_uplink_report(void)
{
	if (!card) {
		kprintf("  uplink: none (the boot said why)\n");
		return;
	}
	/* the uplink port's "sent" are the frames from outside, its "delivered" the ones out */
	kprintf("  uplink: the machine's virtio-net at 0x%lx: %lu frames in, %lu out, %lu bad, "
		"%lu interrupts\n", (unsigned long)card->base, card->received, card->sent,
		card->dropped, card->interrupts);
}
