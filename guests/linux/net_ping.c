/*
 * An ICMP echo ("ping") with a raw socket: /init runs as root, so it has
 * CAP_NET_RAW, where a datagram ICMP socket would need
 * net.ipv4.ping_group_range opened first. The socket receives every ICMP
 * packet the host gets, IP header included: only an echo reply from the
 * address pinged, with this request's id and sequence number, counts.
 * The peer's kernel answers by itself.
 */
#include "lib.h"
#include "net.h"

#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO 8
#define PING_ID 0x4b4c /* "KL" */
#define PING_PAYLOAD 56 /* as ping's default: 64 bytes of ICMP */

struct icmp_echo {
	unsigned char type, code;
	unsigned short sum, id, seq; /* network byte order */
	unsigned char data[PING_PAYLOAD];
};

/* The Internet checksum (RFC 1071) of len bytes */
static unsigned short inet_sum(const void *p, size_t len)
{
	const unsigned char *b = p;
	unsigned long s = 0;

	for (; len > 1; b += 2, len -= 2)
		s += (unsigned long)(b[0] | b[1] << 8);
	if (len)
		s += b[0];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (unsigned short)~s;
}

static long now_us(void)
{
	struct timespec ts;

	SC(SYS_clock_gettime, CLOCK_MONOTONIC, &ts, 0, 0, 0, 0);
	return ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Waits up to 1 s for the reply to seq: 0 when it came, or -errno */
static long await_reply(long fd, unsigned int addr, unsigned short seq)
{
	unsigned char buf[256];
	long deadline = now_us() + 1000000;

	while (now_us() < deadline) {
		struct sockaddr_in from;
		unsigned int fromlen = sizeof(from);
		long n = SC(SYS_recvfrom, fd, buf, sizeof(buf), 0, &from, &fromlen);
		const struct icmp_echo *r;
		size_t ihl;

		if (n < 0)
			return n; /* -EAGAIN: SO_RCVTIMEO ran out */
		ihl = (size_t)(buf[0] & 15) * 4;
		if ((size_t)n < ihl + 8 || from.sin_addr != addr)
			continue;
		r = (const struct icmp_echo *)(buf + ihl);
		if (r->type == ICMP_ECHO_REPLY && r->id == net16(PING_ID) && r->seq == net16(seq))
			return 0;
	}
	return -EAGAIN;
}

long net_ping(unsigned int addr, long timeout_ms, long *rtt_us, int *sent)
{
	long fd = SC(SYS_socket, AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP, 0, 0, 0);
	long start = now_us(), r = -EAGAIN;
	struct sockaddr_in to = { AF_INET, 0, addr, { 0 } };

	*sent = 0;
	if (fd < 0)
		return fd;
	socket_timeout(fd, SO_RCVTIMEO, 1000);
	for (unsigned short seq = 1; now_us() - start < timeout_ms * 1000; seq++) {
		struct icmp_echo e;
		long t0 = now_us(), s;

		memset(&e, 0, sizeof(e));
		e.type = ICMP_ECHO;
		e.id = net16(PING_ID);
		e.seq = net16(seq);
		for (int i = 0; i < PING_PAYLOAD; i++)
			e.data[i] = (unsigned char)i;
		e.sum = inet_sum(&e, sizeof(e));
		s = SC(SYS_sendto, fd, &e, sizeof(e), 0, &to, sizeof(to));
		if (s >= 0)
			(*sent)++;
		/* Before the peer is up its address does not resolve (ARP):
		 * the request is dropped, or an error comes back. */
		r = s < 0 ? s : await_reply(fd, addr, seq);
		if (r == 0) {
			*rtt_us = now_us() - t0;
			break;
		}
		if (now_us() - t0 < 1000000)
			sleep_ms(1000 - (now_us() - t0) / 1000);
	}
	SC(SYS_close, fd, 0, 0, 0, 0, 0);
	return r;
}
