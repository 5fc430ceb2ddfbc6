/*
 * IPv4 for keel.checks=net (check_net.c): addresses, eth0 and lo brought
 * up with ioctls (net_if.c), an ICMP echo (net_ping.c). Addresses are
 * unsigned ints in network byte order, as the kernel's structures hold
 * them.
 */
#ifndef KEEL_INIT_NET_H
#define KEEL_INIT_NET_H

#include "sys.h"

#define AF_INET 2
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_CLOEXEC 02000000
#define IPPROTO_ICMP 1
#define SOL_SOCKET 1
#define SO_REUSEADDR 2
#define SO_RCVTIMEO 20 /* SO_RCVTIMEO_OLD: a struct timeval of two longs on 64-bit */
#define SO_SNDTIMEO 21
#define SHUT_WR 1

struct sockaddr_in {
	unsigned short sin_family;
	unsigned short sin_port; /* network byte order */
	unsigned int sin_addr;   /* network byte order */
	unsigned char sin_zero[8];
};

/* Host (little-endian on RISC-V) to network byte order and back, by hand:
 * without Zbb GCC turns __builtin_bswap32 into a libgcc call, and there
 * is no libgcc here. */
static inline unsigned short net16(unsigned short v)
{
	return (unsigned short)(v << 8 | v >> 8);
}

static inline unsigned int net32(unsigned int v)
{
	return v << 24 | (v & 0xff00) << 8 | (v >> 8 & 0xff00) | v >> 24;
}

/* "a.b.c.d" at s: the address, *end just past it; 0 if it is not one */
int parse_ipv4(const char *s, unsigned int *addr, const char **end);
void out_ipv4(unsigned int addr);

/* SO_RCVTIMEO or SO_SNDTIMEO of ms on a socket */
long socket_timeout(long fd, int which, long ms);

/* Brings ifname up; with mask != 0 gives it addr/mask first. 0 or -errno. */
long net_if_up(const char *ifname, unsigned int addr, unsigned int mask);

/* ICMP echo requests to addr, once a second, until a reply or timeout_ms:
 * 0 with the round trip of the answered one in *rtt_us and the requests
 * sent in *sent, or -errno (-EAGAIN: no reply in time). */
long net_ping(unsigned int addr, long timeout_ms, long *rtt_us, int *sent);

/* keel.ip=a.b.c.d/len: lo and eth0 up, eth0 with that address (said on
 * the console); 0, or why not (check_net.c) */
const char *net_up_from_cmdline(void);
/* The shell's "ping a.b.c.d": up to 20 s of echo requests, the answer said */
void shell_ping(const char *arg);

#endif
