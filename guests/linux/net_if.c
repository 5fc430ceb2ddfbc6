/*
 * Network interfaces brought up the way ifconfig does it: ioctls on an
 * AF_INET socket (SIOCSIFADDR, SIOCSIFNETMASK, then IFF_UP with
 * SIOCGIFFLAGS/SIOCSIFFLAGS). With the address and mask set, bringing the
 * interface up adds the route to its subnet; lo gets 127.0.0.1 by itself
 * when it comes up. Plus the IPv4 text helpers check_net.c prints with.
 */
#include "lib.h"
#include "net.h"

#define SIOCGIFFLAGS 0x8913
#define SIOCSIFFLAGS 0x8914
#define SIOCSIFADDR 0x8916
#define SIOCSIFNETMASK 0x891c
#define IFF_UP 0x1

/* struct ifreq (40 bytes on 64-bit): the name, then a union */
struct ifreq {
	char ifr_name[16];
	union {
		struct sockaddr_in addr;
		short flags;
		char size[24];
	} u;
};

int parse_ipv4(const char *s, unsigned int *addr, const char **end)
{
	unsigned int a = 0;

	for (int i = 0; i < 4; i++) {
		unsigned int part = 0;
		int digits = 0;

		if (i && *s++ != '.')
			return 0;
		for (; *s >= '0' && *s <= '9' && digits < 3; s++, digits++)
			part = part * 10 + (unsigned int)(*s - '0');
		if (!digits || part > 255)
			return 0;
		a = a << 8 | part;
	}
	*addr = net32(a);
	*end = s;
	return 1;
}

void out_ipv4(unsigned int addr)
{
	unsigned int a = net32(addr);

	for (int i = 3; i >= 0; i--) {
		out_num((a >> (8 * i)) & 255);
		if (i)
			out(".");
	}
}

long socket_timeout(long fd, int which, long ms)
{
	long tv[2] = { ms / 1000, (ms % 1000) * 1000 }; /* struct timeval */

	return SC(SYS_setsockopt, fd, SOL_SOCKET, which, tv, sizeof(tv), 0);
}

static void set_name(struct ifreq *r, const char *ifname)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; ifname[i] && i < 15; i++)
		r->ifr_name[i] = ifname[i];
}

static long set_addr(long fd, unsigned long request, const char *ifname, unsigned int addr)
{
	struct ifreq r;

	set_name(&r, ifname);
	r.u.addr.sin_family = AF_INET;
	r.u.addr.sin_addr = addr;
	return SC(SYS_ioctl, fd, request, &r, 0, 0, 0);
}

long net_if_up(const char *ifname, unsigned int addr, unsigned int mask)
{
	long fd = SC(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0, 0, 0, 0);
	struct ifreq r;
	long e;

	if (fd < 0)
		return fd;
	if (mask && ((e = set_addr(fd, SIOCSIFADDR, ifname, addr)) < 0 ||
		     (e = set_addr(fd, SIOCSIFNETMASK, ifname, mask)) < 0))
		goto done;
	set_name(&r, ifname);
	if ((e = SC(SYS_ioctl, fd, SIOCGIFFLAGS, &r, 0, 0, 0)) < 0)
		goto done;
	r.u.flags |= IFF_UP;
	e = SC(SYS_ioctl, fd, SIOCSIFFLAGS, &r, 0, 0, 0);
done:
	SC(SYS_close, fd, 0, 0, 0, 0, 0);
	return e < 0 ? e : 0;
}
