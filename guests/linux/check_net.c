/*
 * keel.checks=net: two VMs on one virtual Ethernet (virtio-net), one the
 * server and one the client.
 *
 *   keel.ip=10.0.2.N/24        eth0's address (and lo brought up)
 *   keel.net=server            listen on TCP port 5001, ping the client that
 *                              connects, receive 1 MiB
 *   keel.net=client:10.0.2.M   ping M, then connect to M:5001 and send 1 MiB
 *   keel.ping=a.b.c.d          the client pings this address instead of M:
 *                              a server outside the machine (QEMU's guestfwd,
 *                              tests/system/uplink-peer.py) answers no ping,
 *                              its gateway does
 *
 * The 1 MiB is a pseudo-random stream from a fixed seed, so both ends
 * know it. Each side prints the stream's FNV-1a (64-bit) checksum; the
 * server compares what it received with what the seed gives and sends its
 * checksum back, which the client compares with what it sent. Each side
 * prints "net: tcp: PASS" or FAIL, and "net: ping: PASS" or FAIL for its
 * ICMP echo to the other (the client's before it connects, the server's
 * once the client has connected): the two ping each other. The client retries while the server
 * boots (about 20 s for the ping, as long again for the connect).
 */
#include "lib.h"
#include "checks.h"
#include "net.h"

#define NET_PORT 5001
#define STREAM_BYTES (1024 * 1024)
#define STREAM_SEED 0x6b65656c2d6e6574UL /* "keel-net" */
#define PEER_WAIT_MS 20000   /* the client waits this long for the server */
#define ACCEPT_WAIT_MS 60000 /* the server for the client: it pings first */
#define IO_WAIT_MS 10000     /* any one read or write */
#define CHUNK 4096

/* The stream: xorshift64* from STREAM_SEED, 8 bytes a step, little-endian */
struct stream {
	unsigned long state, hash;
};

#define FNV_OFFSET 0xcbf29ce484222325UL
#define FNV_PRIME 0x100000001b3UL

static void stream_start(struct stream *s)
{
	s->state = STREAM_SEED;
	s->hash = FNV_OFFSET;
}

/* The next len bytes (a multiple of 8) of the stream into buf */
static void stream_fill(struct stream *s, unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i += 8) {
		unsigned long x = s->state;

		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		s->state = x;
		x *= 0x2545f4914f6cdd1dUL;
		for (int b = 0; b < 8; b++)
			buf[i + (size_t)b] = (unsigned char)(x >> (8 * b));
	}
}

static void fnv1a(unsigned long *h, const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		*h = (*h ^ p[i]) * FNV_PRIME;
}

/* The checksum of the whole stream, as the seed gives it */
static unsigned long stream_expected(void)
{
	static unsigned char buf[CHUNK];
	struct stream s;

	stream_start(&s);
	for (size_t done = 0; done < STREAM_BYTES; done += CHUNK) {
		stream_fill(&s, buf, CHUNK);
		fnv1a(&s.hash, buf, CHUNK);
	}
	return s.hash;
}

/* Reads or writes exactly len bytes: 0, or -errno (-ENXIO: end of file) */
static long all_io(long nr, long fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		long r = SC(nr, fd, p, len, 0, 0, 0);

		if (r <= 0)
			return r < 0 ? r : -ENXIO;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

static void out_errno(const char *what, long err)
{
	out("keel-linux: net: ");
	out(what);
	out(": errno ");
	out_num((unsigned long)-err);
	out("\n");
}

/* "in T ms (R KiB/s)" */
static void out_rate(long ms)
{
	out(" in ");
	out_num((unsigned long)ms);
	out(" ms (");
	out_num((unsigned long)(STREAM_BYTES / 1024 * 1000 / (ms > 0 ? ms : 1)));
	out(" KiB/s)");
}

static const char *ping(unsigned int server)
{
	long rtt_us = 0, r;
	int sent = 0;

	r = net_ping(server, PEER_WAIT_MS, &rtt_us, &sent);
	out("keel-linux: net: ping ");
	out_ipv4(server);
	if (r == 0) {
		out(": reply to request ");
		out_num((unsigned long)sent);
		out(" after ");
		out_num((unsigned long)rtt_us);
		out(" us\n");
		return 0;
	}
	out(": no reply to ");
	out_num((unsigned long)sent);
	out(" requests (last errno ");
	out_num((unsigned long)-r);
	out(")\n");
	return r == -EAGAIN || sent ? "no echo reply in 20 s"
				    : "cannot send ICMP echo requests (raw socket)";
}

/*
 * Receive the stream; the client is pinged back as soon as it connects
 * (its address known, and it is up): *ping_why is that ping's verdict.
 */
static const char *serve(const char **ping_why)
{
	static unsigned char buf[CHUNK];
	struct sockaddr_in me = { AF_INET, net16(NET_PORT), 0, { 0 } }, peer;
	unsigned int peerlen = sizeof(peer);
	unsigned long want = stream_expected(), hash = FNV_OFFSET, got;
	long ls, c, r, t0;
	int one = 1;
	size_t done = 0;

	ls = SC(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, 0, 0, 0);
	if (ls < 0)
		return "cannot make a TCP socket";
	SC(SYS_setsockopt, ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one), 0);
	if ((r = SC(SYS_bind, ls, &me, sizeof(me), 0, 0, 0)) < 0 ||
	    (r = SC(SYS_listen, ls, 1, 0, 0, 0, 0)) < 0) {
		out_errno("tcp: bind/listen on port 5001", r);
		return "cannot listen on port 5001";
	}
	say("net: tcp: listening on port 5001", "");
	socket_timeout(ls, SO_RCVTIMEO, ACCEPT_WAIT_MS); /* accept4 waits that long */
	c = SC(SYS_accept4, ls, &peer, &peerlen, SOCK_CLOEXEC, 0, 0);
	SC(SYS_close, ls, 0, 0, 0, 0, 0);
	if (c < 0) {
		out_errno("tcp: accept", c);
		return "no client connected in 60 s";
	}
	*ping_why = ping(peer.sin_addr);
	socket_timeout(c, SO_RCVTIMEO, IO_WAIT_MS);
	t0 = monotonic_ms();
	while (done < STREAM_BYTES) {
		size_t want_now = STREAM_BYTES - done < CHUNK ? STREAM_BYTES - done : CHUNK;

		r = SC(SYS_read, c, buf, want_now, 0, 0, 0);
		if (r <= 0)
			break;
		fnv1a(&hash, buf, (size_t)r);
		done += (size_t)r;
	}
	out("keel-linux: net: tcp: received ");
	out_num(done);
	out(" bytes from ");
	out_ipv4(peer.sin_addr);
	out_rate(monotonic_ms() - t0);
	out(", fnv1a ");
	out_hex(hash);
	out(", expected ");
	out_hex(want);
	out("\n");
	/* The checksum goes back to the client, which compares it too; then
	 * wait for the client to close, so that it has it before this VM
	 * powers off. */
	got = hash;
	all_io(SYS_write, c, &got, sizeof(got));
	SC(SYS_shutdown, c, SHUT_WR, 0, 0, 0, 0);
	while (SC(SYS_read, c, buf, sizeof(buf), 0, 0, 0) > 0)
		;
	SC(SYS_close, c, 0, 0, 0, 0, 0);
	if (done < STREAM_BYTES)
		return "the stream ended before 1 MiB";
	if (hash != want)
		return "the stream received differs from the one sent (checksum)";
	return 0;
}

/* connect to addr:NET_PORT, retried until PEER_WAIT_MS: the socket or -errno */
static long connect_retrying(unsigned int addr, int *tries)
{
	struct sockaddr_in to = { AF_INET, net16(NET_PORT), addr, { 0 } };
	long start = monotonic_ms(), r = -EAGAIN;

	for (*tries = 1;; (*tries)++) {
		long fd = SC(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, 0, 0, 0);

		if (fd < 0)
			return fd;
		/* A server not up yet: its address does not resolve (about
		 * 3 s) or it refuses (at once); bound each try anyway. */
		socket_timeout(fd, SO_SNDTIMEO, 5000);
		r = SC(SYS_connect, fd, &to, sizeof(to), 0, 0, 0);
		if (r == 0)
			return fd;
		SC(SYS_close, fd, 0, 0, 0, 0, 0);
		if (monotonic_ms() - start > PEER_WAIT_MS)
			return r;
		sleep_ms(250);
	}
}

static const char *send_to(unsigned int server)
{
	static unsigned char buf[CHUNK];
	struct stream s;
	unsigned long back = 0;
	long fd, r = 0, t0;
	int tries;

	fd = connect_retrying(server, &tries);
	if (fd < 0) {
		out_errno("tcp: connect to port 5001", fd);
		return "cannot connect to the server in 20 s";
	}
	socket_timeout(fd, SO_SNDTIMEO, IO_WAIT_MS);
	socket_timeout(fd, SO_RCVTIMEO, IO_WAIT_MS);
	stream_start(&s);
	t0 = monotonic_ms();
	for (size_t done = 0; done < STREAM_BYTES && r == 0; done += CHUNK) {
		stream_fill(&s, buf, CHUNK);
		fnv1a(&s.hash, buf, CHUNK);
		r = all_io(SYS_write, fd, buf, CHUNK);
	}
	out("keel-linux: net: tcp: ");
	out(r ? "sending failed after connecting to " : "sent 1048576 bytes to ");
	out_ipv4(server);
	out(":5001 (connected at try ");
	out_num((unsigned long)tries);
	out(")");
	if (!r)
		out_rate(monotonic_ms() - t0);
	out(", fnv1a ");
	out_hex(s.hash);
	out("\n");
	if (r) {
		SC(SYS_close, fd, 0, 0, 0, 0, 0);
		out_errno("tcp: write", r);
		return "sending the stream failed";
	}
	SC(SYS_shutdown, fd, SHUT_WR, 0, 0, 0, 0);
	r = all_io(SYS_read, fd, &back, sizeof(back));
	SC(SYS_close, fd, 0, 0, 0, 0, 0);
	if (r) {
		out_errno("tcp: reading the server's checksum", r);
		return "the server sent no checksum back";
	}
	out("keel-linux: net: tcp: the server's checksum of what it received: ");
	out_hex(back);
	out("\n");
	return back == s.hash ? 0 : "the server's checksum differs from the one sent";
}

/* keel.ip=a.b.c.d/len: the address and mask; 0 if absent or malformed */
static int asked_ip(unsigned int *addr, unsigned int *mask, unsigned long *len)
{
	const char *p = find_word(cmdline, "keel.ip"), *end;

	*len = 0;
	if (!p || *p != '=' || !parse_ipv4(p + 1, addr, &end) || *end != '/')
		return 0;
	for (p = end + 1; *p >= '0' && *p <= '9'; p++)
		*len = *len * 10 + (unsigned long)(*p - '0');
	if (*len < 1 || *len > 30)
		return 0;
	*mask = net32((unsigned int)(0xffffffffUL << (32 - *len)));
	return 1;
}

const char *net_up_from_cmdline(void)
{
	static int up; /* by the net check, before the shell asks again */
	unsigned int addr, mask;
	unsigned long len;
	char mac[32];
	long r;

	if (up)
		return 0;
	if (!asked_ip(&addr, &mask, &len))
		return "no keel.ip=a.b.c.d/len on the command line";
	if ((r = net_if_up("lo", 0, 0)) < 0) {
		out_errno("bringing lo up", r);
		return "cannot bring lo up";
	}
	if ((r = net_if_up("eth0", addr, mask)) < 0) {
		out_errno("configuring eth0", r);
		return "cannot configure eth0 (no virtio-net device?)";
	}
	if (read_file("/sys/class/net/eth0/address", mac, sizeof(mac)) < 0)
		mac[0] = 0;
	out("keel-linux: net: eth0 ");
	out(mac);
	out(" up as ");
	out_ipv4(addr);
	out("/");
	out_num(len);
	out(", lo up\n");
	up = 1;
	return 0;
}

void check_net(const char **fail)
{
	const char *role = find_word(cmdline, "keel.net"), *end, *why;
	const char *ping_arg = find_word(cmdline, "keel.ping");
	unsigned int server = 0, ping_addr = 0;

	if (!role || *role != '=' ||
	    !(str_eq(role, "=server") || starts_with(role, "=server ") ||
	      (starts_with(role, "=client:") && parse_ipv4(role + 8, &server, &end)))) {
		verdict("net", "no keel.net=server or keel.net=client:a.b.c.d on the command line", fail);
		return;
	}
	if (ping_arg && (*ping_arg != '=' || !parse_ipv4(ping_arg + 1, &ping_addr, &end))) {
		verdict("net", "keel.ping= is not an IPv4 address a.b.c.d", fail);
		return;
	}
	if ((why = net_up_from_cmdline())) {
		verdict("net", why, fail);
		return;
	}
	if (server) {
		out("keel-linux: net: client of ");
		out_ipv4(server);
		out("\n");
		verdict("net: ping", ping(ping_addr ? ping_addr : server), fail);
		verdict("net: tcp", send_to(server), fail);
	} else {
		const char *ping_why = "no client connected";
		const char *tcp_why;

		say("net: server", "");
		tcp_why = serve(&ping_why);
		verdict("net: ping", ping_why, fail);
		verdict("net: tcp", tcp_why, fail);
	}
}

void shell_ping(const char *arg)
{
	unsigned int addr;
	const char *end;

	if (!parse_ipv4(arg, &addr, &end) || *end) {
		out("usage: ping a.b.c.d\n");
		return;
	}
	ping(addr);
}
