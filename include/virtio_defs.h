/*
 * VIRTIO 1.2's numbers (OASIS VIRTIO v1.2, sections 2, 4.2 and 5): the
 * virtio-mmio registers, device status, feature bits, device ids and the
 * virtio-blk request format. Shared by Keel's devices (src/vdev/) and the
 * test guests that drive them (guests/virtio), like sbi_defs.h.
 */
#ifndef KEEL_VIRTIO_DEFS_H
#define KEEL_VIRTIO_DEFS_H

/* ---- a split queue's descriptor flags (section 2.7.5) ---- */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2    /* device-writable (else device-readable) */
#define VIRTQ_DESC_F_INDIRECT 4 /* addr/len name a table of descriptors */

/* ---- virtio-mmio, version 2 ("modern", section 4.2.2) ---- */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000 /* "virt" */
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100
#define VIRTIO_MMIO_SIZE 0x1000 /* one page per device */

#define VIRTIO_MMIO_MAGIC 0x74726976U
#define VIRTIO_MMIO_VERSION_MODERN 2
/* InterruptStatus bits */
#define VIRTIO_MMIO_INT_VRING 1U  /* a used buffer */
#define VIRTIO_MMIO_INT_CONFIG 2U /* the configuration (or NEEDS_RESET) changed */

/* ---- device status (section 2.1) ---- */
#define VIRTIO_STATUS_ACKNOWLEDGE 1U
#define VIRTIO_STATUS_DRIVER 2U
#define VIRTIO_STATUS_DRIVER_OK 4U
#define VIRTIO_STATUS_FEATURES_OK 8U
#define VIRTIO_STATUS_NEEDS_RESET 0x40U
#define VIRTIO_STATUS_FAILED 0x80U

/* ---- feature bits every device may offer (section 6) ---- */
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32

/* ---- device ids (section 5) ---- */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3

/* ---- virtio-blk (section 5.2) ---- */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* its configuration space: offsets from VIRTIO_MMIO_CONFIG */
#define VIRTIO_BLK_CFG_CAPACITY 0 /* le64, in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 8
#define VIRTIO_BLK_CFG_SEG_MAX 12
#define VIRTIO_BLK_CFG_BLK_SIZE 20
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS 36
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG 40
#define VIRTIO_BLK_CFG_DISCARD_SECTOR_ALIGNMENT 44
#define VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SECTORS 48
#define VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SEG 52
#define VIRTIO_BLK_CFG_WRITE_ZEROES_MAY_UNMAP 56
#define VIRTIO_BLK_CFG_SIZE 60

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_SECTOR_SIZE 512
#define VIRTIO_BLK_ID_BYTES 20
/* the request header: le32 type, le32 reserved, le64 sector */
#define VIRTIO_BLK_HEADER_SIZE 16
/* a discard / write-zeroes segment: le64 sector, le32 num_sectors, le32 flags */
#define VIRTIO_BLK_RANGE_SIZE 16
#define VIRTIO_BLK_WRITE_ZEROES_UNMAP 1U

/* ---- virtio-net (section 5.1) ---- */
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_S_LINK_UP 1
/* its configuration space: mac[6], then le16 status */
#define VIRTIO_NET_CFG_MAC 0
#define VIRTIO_NET_CFG_STATUS 6
#define VIRTIO_NET_CFG_SIZE 8
/* queues: receive 0, transmit 1 (no control queue, one pair) */
#define VIRTIO_NET_RXQ 0
#define VIRTIO_NET_TXQ 1
/*
 * The header in front of every frame with VERSION_1: flags, gso_type,
 * le16 hdr_len, gso_size, csum_start, csum_offset, num_buffers.
 */
#define VIRTIO_NET_HDR_SIZE 12
#define VIRTIO_NET_HDR_NUM_BUFFERS 10
/* an Ethernet frame without its FCS, a VLAN tag allowed */
#define VIRTIO_NET_FRAME_MAX 1518

#endif
