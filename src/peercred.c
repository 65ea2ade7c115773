/*
 * peercred.c - the uid at the other end of a loopback TCP connection,
 * and the local password (see peercred.h).
 *
 * The lookup is for the client's socket: its local address and port are
 * our peer's, its remote ones our own end's.  A listening socket, one in
 * TIME_WAIT or one no process holds any more (inode 0) is not an answer,
 * so that a client that went away is never taken for whoever else owns
 * a socket with those numbers, or for root.
 */
#include "config_auto.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#ifdef __linux__
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#endif

#include "matchguard/peercred.h"
#include "matchguard/util.h"

#define PROC_MAX	(64u * 1024u * 1024u)	/* /proc/net/tcp, bounded */
#define PW_LEN		24	/* characters of a new password */
#define PW_MAX		256	/* of one read from the file */

/* TCP states (include/net/tcp_states.h) that are no owned socket. */
#define TCP_ST_TIME_WAIT	6
#define TCP_ST_LISTEN		10

int
mg_peercred_is_loopback(const struct sockaddr *sa)
{
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0xff, 0xff };

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)sa;
		const unsigned char	*a = in6->sin6_addr.s6_addr;

		if (memcmp(a, v4mapped, 12) == 0)
			return a[12] == 127;
		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	return 0;
}

/* Address bytes (4 or 16) and port (host order) of an inet sockaddr. */
static const unsigned char *
inet_parts(const struct sockaddr *sa, size_t *alen, unsigned *port)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		*alen = 4;
		*port = ntohs(in->sin_port);
		return (const unsigned char *)&in->sin_addr;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)sa;

		*alen = 16;
		*port = ntohs(in6->sin6_port);
		return in6->sin6_addr.s6_addr;
	}
	return NULL;
}

/*
 * /proc/net/tcp and tcp6
 */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* n hex digits at *pp into *v; moves *pp past them. */
static int
hex_field(const char **pp, size_t n, uint32_t *v)
{
	uint32_t	 x = 0;

	for (size_t i = 0; i < n; i++) {
		int	 h = hexval((*pp)[i]);

		if (h < 0)
			return -1;
		x = x << 4 | (uint32_t)h;
	}
	*pp += n;
	*v = x;
	return 0;
}

/* "0100007F:1F90": the kernel prints each 32-bit word of the address as
 * a number in this host's byte order, so the words are compared as
 * numbers with the address's bytes read the same way. */
static int
proc_addr(const char **pp, size_t alen, unsigned char *addr, unsigned *port)
{
	uint32_t	 w, pv;

	for (size_t i = 0; i < alen; i += 4) {
		if (hex_field(pp, 8, &w) == -1)
			return -1;
		memcpy(addr + i, &w, 4);
	}
	if (**pp != ':')
		return -1;
	(*pp)++;
	if (hex_field(pp, 4, &pv) == -1)
		return -1;
	*port = pv;
	return 0;
}

static const char *
skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static const char *
skip_word(const char *p)
{
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	return p;
}

/* One table line: "sl: local remote st tx:rx tr:when retr uid timeout
 * inode ...".  1 and the fields when it parses, 0 for the header line,
 * -1 when it is garbage. */
struct proc_row {
	unsigned char	 laddr[16], raddr[16];
	unsigned	 lport, rport, state;
	unsigned long	 uid, inode;
};

static int
proc_line(const char *p, size_t alen, struct proc_row *r)
{
	uint32_t	 st;
	char		*end;

	p = skip_blanks(p);
	if (strncmp(p, "sl", 2) == 0)
		return 0;
	p = skip_word(p);			/* "0:" */
	p = skip_blanks(p);
	if (proc_addr(&p, alen, r->laddr, &r->lport) == -1)
		return -1;
	p = skip_blanks(p);
	if (proc_addr(&p, alen, r->raddr, &r->rport) == -1)
		return -1;
	p = skip_blanks(p);
	if (hex_field(&p, 2, &st) == -1)
		return -1;
	r->state = st;
	for (int i = 0; i < 3; i++)		/* tx:rx, tr:when, retrnsmt */
		p = skip_word(skip_blanks(p));
	p = skip_blanks(p);
	errno = 0;
	r->uid = strtoul(p, &end, 10);
	if (end == p || errno != 0)
		return -1;
	p = skip_word(skip_blanks(end));	/* timeout */
	p = skip_blanks(p);
	r->inode = strtoul(p, &end, 10);
	if (end == p || errno != 0)
		return -1;
	return 1;
}

int
mg_peercred_proc_find(const char *text, const struct sockaddr *local,
    const struct sockaddr *remote, uid_t *uid, char *err, size_t errlen)
{
	const unsigned char	*la, *ra;
	size_t			 alen = 0, ralen = 0;
	unsigned		 lport = 0, rport = 0;

	la = inet_parts(local, &alen, &lport);
	ra = inet_parts(remote, &ralen, &rport);
	if (la == NULL || ra == NULL || alen != ralen) {
		mg_seterr(err, errlen, "not an IPv4 or IPv6 connection");
		return -1;
	}
	for (const char *p = text; *p != '\0'; ) {
		const char	*nl = strchr(p, '\n');
		struct proc_row	 r;
		int		 k = proc_line(p, alen, &r);

		if (k == -1) {
			mg_seterr(err, errlen, "unexpected line in the socket "
			    "table: %.40s", p);
			return -1;
		}
		if (k == 1 && r.lport == lport && r.rport == rport &&
		    memcmp(r.laddr, la, alen) == 0 &&
		    memcmp(r.raddr, ra, alen) == 0 &&
		    r.state != TCP_ST_LISTEN && r.state != TCP_ST_TIME_WAIT &&
		    r.inode != 0) {
			*uid = (uid_t)r.uid;
			return 1;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

#ifdef __linux__

int
mg_peercred_supported(void)
{
	return 1;
}

/* A whole /proc/net file; its size is 0 to stat, so read to the end. */
static char *
read_proc(const char *path, char *err, size_t errlen)
{
	char	*buf = NULL, *nb;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;
	int	 fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1) {
		mg_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			if (cap >= PROC_MAX ||
			    (nb = realloc(buf, cap ? cap * 2 : 65536)) == NULL) {
				mg_seterr(err, errlen, "%s: too big or out of "
				    "memory", path);
				goto fail;
			}
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			mg_seterr(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

/* 127.0.0.1:port as ::ffff:127.0.0.1:port, the name a dual-stack
 * client's socket has in /proc/net/tcp6. */
static void
map_v4(const struct sockaddr *sa, struct sockaddr_in6 *in6)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

	memset(in6, 0, sizeof(*in6));
	in6->sin6_family = AF_INET6;
	in6->sin6_port = in->sin_port;
	in6->sin6_addr.s6_addr[10] = 0xff;
	in6->sin6_addr.s6_addr[11] = 0xff;
	memcpy(in6->sin6_addr.s6_addr + 12, &in->sin_addr, 4);
}

static int
proc_find_in(const char *path, const struct sockaddr *peer,
    const struct sockaddr *self, uid_t *uid, char *err, size_t errlen)
{
	char	*text;
	int	 rc;

	if ((text = read_proc(path, err, errlen)) == NULL)
		return -1;
	/* The client's socket: local is our peer, remote is us. */
	rc = mg_peercred_proc_find(text, peer, self, uid, err, errlen);
	free(text);
	return rc;
}

static int
proc_lookup(const struct sockaddr *peer, const struct sockaddr *self,
    uid_t *uid, char *err, size_t errlen)
{
	struct sockaddr_in6	 mpeer, mself;
	int			 rc;

	if (peer->sa_family == AF_INET6)
		return proc_find_in("/proc/net/tcp6", peer, self, uid, err,
		    errlen);
	if ((rc = proc_find_in("/proc/net/tcp", peer, self, uid, err,
	    errlen)) != 0)
		return rc;
	/* An IPv4 client that is an AF_INET6 socket (a dual-stack one). */
	map_v4(peer, &mpeer);
	map_v4(self, &mself);
	rc = proc_find_in("/proc/net/tcp6", (struct sockaddr *)&mpeer,
	    (struct sockaddr *)&mself, uid, err, errlen);
	/* A kernel without IPv6 has no tcp6: the client is not there. */
	return rc == -1 && access("/proc/net/tcp6", F_OK) == -1 ? 0 : rc;
}

/* The reply's address is the one asked for.  An IPv4 question may be
 * answered about an IPv6 socket: a dual-stack client (Java, Python's
 * AF_INET6 socket) connected to ::ffff:127.0.0.1 is in the same table as
 * an IPv4 one, and the kernel reports its addresses as ::ffff:a.b.c.d. */
static int
diag_same_addr(int family, const uint32_t *got, const uint32_t *want,
    int qfamily)
{
	if (qfamily == AF_INET6)
		return family == AF_INET6 && memcmp(got, want, 16) == 0;
	if (family == AF_INET)
		return got[0] == want[0];
	return family == AF_INET6 && got[0] == 0 && got[1] == 0 &&
	    got[2] == htonl(0xffff) && got[3] == want[0];
}

/* The reply's socket is the one asked for, and owned. */
static int
diag_answer(const struct inet_diag_msg *m, const struct inet_diag_req_v2 *q,
    uid_t *uid)
{
	if (m->id.idiag_sport != q->id.idiag_sport ||
	    m->id.idiag_dport != q->id.idiag_dport ||
	    !diag_same_addr(m->idiag_family, m->id.idiag_src, q->id.idiag_src,
	    q->sdiag_family) ||
	    !diag_same_addr(m->idiag_family, m->id.idiag_dst, q->id.idiag_dst,
	    q->sdiag_family) ||
	    m->idiag_state == TCP_ST_LISTEN ||
	    m->idiag_state == TCP_ST_TIME_WAIT || m->idiag_inode == 0)
		return 0;
	*uid = (uid_t)m->idiag_uid;
	return 1;
}

/* Set once netlink has answered about a socket of the family (IPv4, IPv6):
 * from then on its "no such socket" is believed, without reading /proc
 * (which a flood of connections that close at once would make us read
 * again and again).  Before that, ENOENT may mean a kernel without
 * inet_diag. */
static atomic_int diag_works[2];

/* *listed: the kernel described the socket (owned or not). */
static int
diag_read(int fd, const struct inet_diag_req_v2 *q, uid_t *uid, int *listed,
    char *err, size_t errlen)
{
	union {
		struct nlmsghdr	 h;
		char		 b[8192];
	}			 buf;
	ssize_t			 n;
	int			 len;

	*listed = 0;
	while ((n = recv(fd, &buf, sizeof(buf), 0)) == -1 && errno == EINTR)
		continue;
	if (n == -1) {
		mg_seterr(err, errlen, "netlink: %s", strerror(errno));
		return -1;
	}
	len = (int)n;
	for (struct nlmsghdr *h = &buf.h; NLMSG_OK(h, len);
	    h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr	*e = NLMSG_DATA(h);

			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				break;
			if (e->error == -ENOENT)
				return 0;
			mg_seterr(err, errlen, "netlink: %s",
			    strerror(-e->error));
			return -1;
		}
		if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
		    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg))) {
			*listed = 1;
			atomic_store(&diag_works[q->sdiag_family == AF_INET6],
			    1);
			return diag_answer(NLMSG_DATA(h), q, uid);
		}
	}
	mg_seterr(err, errlen, "netlink: no answer about the socket");
	return -1;
}

static int
diag_lookup(const struct sockaddr *peer, const struct sockaddr *self,
    uid_t *uid, int *listed, char *err, size_t errlen)
{
	struct {
		struct nlmsghdr		 h;
		struct inet_diag_req_v2	 q;
	}			 req;
	struct sockaddr_nl	 nl = { .nl_family = AF_NETLINK };
	struct timeval		 tv = { 1, 0 };
	const unsigned char	*pa, *sa;
	size_t			 alen = 0;
	unsigned		 pport = 0, sport = 0;
	int			 fd, rc;

	*listed = 0;
	pa = inet_parts(peer, &alen, &pport);
	sa = inet_parts(self, &alen, &sport);
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.h.nlmsg_seq = 1;
	req.q.sdiag_family = (unsigned char)peer->sa_family;
	req.q.sdiag_protocol = IPPROTO_TCP;
	req.q.idiag_states = ~0u;
	/* The client's socket: its source is our peer. */
	req.q.id.idiag_sport = htons((uint16_t)pport);
	req.q.id.idiag_dport = htons((uint16_t)sport);
	memcpy(req.q.id.idiag_src, pa, alen);
	memcpy(req.q.id.idiag_dst, sa, alen);
	req.q.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req.q.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if ((fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG)) == -1) {
		mg_seterr(err, errlen, "netlink: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&nl,
	    sizeof(nl)) != (ssize_t)sizeof(req)) {
		mg_seterr(err, errlen, "netlink: %s", strerror(errno));
		close(fd);
		return -1;
	}
	rc = diag_read(fd, &req.q, uid, listed, err, errlen);
	close(fd);
	return rc;
}

/* An IPv4 client of a dual-stack socket has an AF_INET socket. */
static void
unmap_v4(struct sockaddr_storage *ss)
{
	struct sockaddr_in6	 in6;
	struct sockaddr_in	*in = (struct sockaddr_in *)ss;

	if (ss->ss_family != AF_INET6)
		return;
	memcpy(&in6, ss, sizeof(in6));
	if (!IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr))
		return;
	memset(ss, 0, sizeof(*ss));
	in->sin_family = AF_INET;
	in->sin_port = in6.sin6_port;
	memcpy(&in->sin_addr, in6.sin6_addr.s6_addr + 12, 4);
}

int
mg_peercred_tcp_uid(int fd, enum mg_peercred_how how, uid_t *uid, char *err,
    size_t errlen)
{
	struct sockaddr_storage	 peer, self;
	socklen_t		 plen = sizeof(peer), slen = sizeof(self);
	int			 rc = 0, listed = 0;

	if (getpeername(fd, (struct sockaddr *)&peer, &plen) == -1 ||
	    getsockname(fd, (struct sockaddr *)&self, &slen) == -1) {
		mg_seterr(err, errlen, "%s", strerror(errno));
		return -1;
	}
	unmap_v4(&peer);
	unmap_v4(&self);
	if ((peer.ss_family != AF_INET && peer.ss_family != AF_INET6) ||
	    peer.ss_family != self.ss_family) {
		mg_seterr(err, errlen, "not an IPv4 or IPv6 connection");
		return -1;
	}
	if (!mg_peercred_is_loopback((struct sockaddr *)&peer))
		return 0;	/* another computer: no uid here */
	if (how != MG_PEERCRED_PROC) {
		rc = diag_lookup((struct sockaddr *)&peer,
		    (struct sockaddr *)&self, uid, &listed, err, errlen);
		if (rc == 1 || how == MG_PEERCRED_NETLINK)
			return rc;
		/* The kernel listed the socket as no process's (closing), or
		 * has answered about sockets before and says there is none:
		 * /proc would say the same, only slower.  ENOENT is also what
		 * a kernel without inet_diag says. */
		if (rc == 0 && (listed ||
		    atomic_load(&diag_works[peer.ss_family == AF_INET6])))
			return 0;
	}
	return proc_lookup((struct sockaddr *)&peer, (struct sockaddr *)&self,
	    uid, err, errlen);
}

#else	/* !__linux__ */

int
mg_peercred_supported(void)
{
	return 0;
}

int
mg_peercred_tcp_uid(int fd, enum mg_peercred_how how, uid_t *uid, char *err,
    size_t errlen)
{
	(void)fd;
	(void)how;
	(void)uid;
	mg_seterr(err, errlen, "telling the user of a connection is not "
	    "supported on this system");
	return -1;
}

#endif

/*
 * The local password
 */

static void
wipe_buf(char *p, size_t n)
{
	for (volatile char *v = p; n > 0; n--)
		*v++ = '\0';
}

void
mg_peercred_password_free(char *pw)
{
	if (pw == NULL)
		return;
	for (volatile char *p = pw; *p != '\0'; p++)
		*p = '\0';
	free(pw);
}

/* Letters and digits without the look-alikes (0/O, 1/l/I), so that it can
 * be typed from the screen. */
static int
make_password(char *pw, size_t n, char *err, size_t errlen)
{
	static const char	 alphabet[] =
	    "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char		 r[PW_LEN * 2];
	size_t			 k = 0, a = sizeof(alphabet) - 1;

	/* Rejection sampling: no letter more likely than another. */
	while (k < n) {
		if (gnutls_rnd(GNUTLS_RND_KEY, r, sizeof(r)) < 0) {
			mg_seterr(err, errlen, "no random numbers for the "
			    "local password");
			return -1;
		}
		for (size_t i = 0; i < sizeof(r) && k < n; i++)
			if (r[i] < 256 / a * a)
				pw[k++] = alphabet[r[i] % a];
	}
	pw[n] = '\0';
	memset(r, 0, sizeof(r));
	return 0;
}

static int
write_password(const char *path, char **pw, char *err, size_t errlen)
{
	char	 line[PW_LEN + 2];
	int	 fd;

	if (make_password(line, PW_LEN, err, errlen) == -1)
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		if (errno == EEXIST)
			return -2;	/* made by another process just now */
		mg_seterr(err, errlen, "cannot create %s: %s", path,
		    strerror(errno));
		return -1;
	}
	line[PW_LEN] = '\n';
	if (write(fd, line, PW_LEN + 1) != PW_LEN + 1 || fsync(fd) == -1) {
		mg_seterr(err, errlen, "cannot write %s: %s", path,
		    strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) == -1) {
		mg_seterr(err, errlen, "cannot write %s: %s", path,
		    strerror(errno));
		unlink(path);
		return -1;
	}
	line[PW_LEN] = '\0';
	*pw = mg_strndup(line, PW_LEN);
	memset(line, 0, sizeof(line));
	if (*pw == NULL) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* What is wrong with the file, in words; NULL when it is ours alone. */
static const char *
password_file_problem(const struct stat *st, const char *what, char *why,
    size_t len)
{
	if (!S_ISREG(st->st_mode))
		return "is not a plain file (something else was put there)";
	if (st->st_uid != geteuid()) {
		snprintf(why, len, "belongs to another user (uid %u), who could "
		    "have chosen the %s", (unsigned)st->st_uid, what);
		return why;
	}
	if ((st->st_mode & 077) != 0) {
		snprintf(why, len, "can be read by other users (mode %04o)",
		    (unsigned)(st->st_mode & 07777));
		return why;
	}
	return NULL;
}

static int
read_password(const char *path, int fd, const char *what, size_t min,
    char **pw, char *err, size_t errlen)
{
	struct stat	 st;
	char		 buf[PW_MAX + 1], why[96];
	const char	*bad;
	ssize_t		 n;
	size_t		 len;

	if (fstat(fd, &st) == -1) {
		mg_seterr(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if ((bad = password_file_problem(&st, what, why, sizeof(why))) != NULL) {
		mg_seterr(err, errlen, "%s %s: delete it, and matchguard makes "
		    "a new %s when it starts", path, bad, what);
		return -1;
	}
	while ((n = read(fd, buf, PW_MAX)) == -1 && errno == EINTR)
		continue;
	if (n == -1) {
		mg_seterr(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	if ((len = strcspn(buf, "\r\n")) == 0 || strlen(buf) < (size_t)n) {
		mg_seterr(err, errlen, "%s holds no %s: delete it, and "
		    "matchguard makes a new one when it starts", path, what);
		return -1;
	}
	if (len < min) {
		wipe_buf(buf, sizeof(buf));
		mg_seterr(err, errlen, "%s holds a %s of %zu characters, "
		    "and any program on this computer may try to guess it: "
		    "write one of at least %zu, or delete the file and "
		    "matchguard makes a new one when it starts", path, what,
		    len, min);
		return -1;
	}
	*pw = mg_strndup(buf, len);
	wipe_buf(buf, sizeof(buf));
	if (*pw == NULL) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
mg_peercred_local_password(const char *state_dir, char **pw, int *created,
    char *err, size_t errlen)
{
	return mg_peercred_secret_file(state_dir, MG_LOCAL_PASSWORD_FILE,
	    "password", MG_LOCAL_PASSWORD_MIN, pw, created, err, errlen);
}

int
mg_peercred_secret_file(const char *state_dir, const char *file,
    const char *what, size_t min, char **pw, int *created, char *err,
    size_t errlen)
{
	size_t	 len = strlen(state_dir) + strlen(file) + 2;
	char	*path;
	int	 fd, rc;

	*pw = NULL;
	*created = 0;
	if (mg_mkdir_p(state_dir, 0700, err, errlen) == -1)
		return -1;
	if ((path = malloc(len)) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	snprintf(path, len, "%s/%s", state_dir, file);
	/* O_NONBLOCK: a FIFO put there must not make us wait for a
	 * writer (it is refused: not a plain file).  A second pass reads
	 * what another process made between our open and our create. */
	for (int pass = 0; pass < 2; pass++) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
		    O_NONBLOCK)) != -1 || errno != ENOENT)
			break;
		if ((rc = write_password(path, pw, err, errlen)) != -2) {
			*created = rc == 0;
			free(path);
			return rc;
		}
	}
	if (fd != -1) {
		rc = read_password(path, fd, what, min, pw, err, errlen);
		close(fd);
	} else if (errno == ENOENT) {
		mg_seterr(err, errlen, "cannot create %s: it comes and goes",
		    path);
		rc = -1;
	} else if (errno == ELOOP) {
		mg_seterr(err, errlen, "%s is a symbolic link, not a plain file: "
		    "delete it, and matchguard makes a new %s when it "
		    "starts", path, what);
		rc = -1;
	} else {
		mg_seterr(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		rc = -1;
	}
	free(path);
	return rc;
}
