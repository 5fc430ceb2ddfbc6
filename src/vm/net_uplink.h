/*
 * The switch's uplink (docs/virtio.md, "The uplink"): the machine's own
 * network card (host_net.c) on a port of Keel's switch, so that frames
 * for addresses no VM has leave the machine, and the outside world's
 * frames reach the VMs. Wiring only: the switch learns and floods as for
 * any port.
 */
#ifndef KEEL_NET_UPLINK_H
#define KEEL_NET_UPLINK_H

#include "vdev/net_switch.h"

/*
 * Once, on the boot hart, when the switch is made: plug the machine's
 * virtio-net device in, if it has one Keel can drive. Says at boot which.
 */
void net_uplink_plug(struct net_switch *sw);
/* The monitor's line on the uplink's card: frames in and out, interrupts; or that there is none */
void net_uplink_report(void);

#endif
