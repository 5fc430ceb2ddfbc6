/*
 * Wiring the emulated devices' interrupt lines: UART -> virtual PLIC ->
 * hvip.VSEIP of the vCPU whose S-mode context wants it.
 *
 * Device state lives under vm->dev_lock and may change on any hart that
 * runs a vCPU of the VM; a vCPU's hvip may only be written on its home
 * hart. So the new line of each context is stored in the vCPU (ext_line)
 * and, unless the vCPU is the one on this hart, posted as a request: its
 * home hart copies ext_line into hvip when it takes the request. The
 * latest store wins, whatever order the requests are taken in.
 */
#include "riscv.h"
#include "vcpu/vcpu_request.h"
#include "vdev/vdev.h"
#include "vdev/virtio_mmio.h"
#include "vm.h"

void vdev_sync_ext_irq(struct vcpu *v)
{
	if (__atomic_load_n(&v->ext_line, __ATOMIC_ACQUIRE))
		vcpu_set_irq(v, IRQ_VS_EXT);
	else
		vcpu_clear_irq(v, IRQ_VS_EXT);
}

void vdev_irq_update(struct vm *vm, struct vcpu *self)
{
	if (!vm->has_plic)
		return;
	vplic_set_level(&vm->plic, VM_UART_IRQ,
			vm->has_uart && uart16550_irq_pending(&vm->uart));
	for (unsigned int i = 0; i < vm->nr_virtio; i++)
		vplic_set_level(&vm->plic, VM_VIRTIO_IRQ + i, virtio_mmio_irq_pending(vm->virtio[i]));
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		bool line = vplic_context_asserted(&vm->plic, vplic_s_context(i));

		if (line == v->ext_line)
			continue;
		__atomic_store_n(&v->ext_line, line, __ATOMIC_RELEASE);
		if (v == self)
			vdev_sync_ext_irq(v);
		else
			vcpu_post_request(v, VCPU_REQ_EXT_IRQ);
	}
}

void vdev_uart_line_update(struct vm *vm, struct vcpu *self)
{
	bool line = vm->has_uart && uart16550_irq_pending(&vm->uart);

	if (vm->has_plic && line != !!(vm->plic.level & (1ULL << VM_UART_IRQ)))
		vdev_irq_update(vm, self);
}

void vdev_uart_feed(struct vm *vm)
{
	/* in loopback the receiver hears only the transmitter, as on a 16550 */
	if (!uart16550_line_connected(&vm->uart))
		return;
	while (uart16550_rx_space(&vm->uart)) {
		int c = vm_console_take(vm);

		if (c < 0)
			break;
		uart16550_rx_push(&vm->uart, (uint8_t)c);
	}
}

void vdev_console_input(struct vm *vm)
{
	/* the guest's next UART read takes the slow path, which feeds it */
	__atomic_store_n(&vm->console_pull_at, 0, __ATOMIC_RELAXED);
	/*
	 * A guest without the PLIC polls its UART and pulls input itself; with
	 * it, the UART or a virtio-console is handed the input on an interrupt.
	 */
	if (vm->has_plic && (vm->has_uart || vm->nr_virtio))
		vdev_devices_pending(vm);
}

void vdev_service(struct vcpu *v)
{
	struct vm *vm = v->vm;

	spin_lock(&vm->dev_lock);
	/*
	 * Only a driver that takes the receive interrupt is handed input
	 * ahead of its reads: a guest that reads the console through SBI
	 * (DBCN, legacy getchar) must still find it there.
	 */
	if (uart16550_rx_irq_enabled(&vm->uart))
		vdev_uart_feed(vm);
	/* the virtio devices' work from outside: frames the switch queued */
	for (unsigned int i = 0; i < vm->nr_virtio; i++)
		if (vm->virtio[i]->ops->service)
			vm->virtio[i]->ops->service(vm->virtio[i]);
	vdev_irq_update(vm, v);
	spin_unlock(&vm->dev_lock);
}

void vdev_devices_pending(struct vm *vm)
{
	vcpu_post_request(&vm->vcpus[0], VCPU_REQ_DEVICES);
}
