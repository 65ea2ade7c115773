/*
 * mgload.c - the benchmark's SMTP load generator and latency driver.
 *
 * usage: mgload -p PORT [-H HOST] [-s SESSIONS] [-n COUNT] [-l LATFILE]
 *               [-f FROM]
 *               MANIFEST
 *
 * MANIFEST has one line per message: the envelope recipient, a tab, and
 * the path of an RFC 5322 file.  COUNT messages are sent (the manifest
 * is cycled), each in its own SMTP session like smtp-source does by
 * default (connect, EHLO, MAIL, RCPT, DATA, QUIT), SESSIONS sessions at a
 * time.  The time from the end of the data (the write of the final
 * ".\r\n" returned) to the complete reply is taken for every message
 * with CLOCK_MONOTONIC; LATFILE gets one value per line, in microseconds.
 *
 * It prints one line:
 *   sent=N ok=N held=N failed=N secs=S rate=R p50_us=A p99_us=B max_us=C
 * "held" counts 250 replies that say "held for review" (matchguard's
 * hold), "failed" any other reply or a lost connection.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_REPLY	4096

struct msg {
	char	*rcpt;
	char	*data;		/* CRLF, dot-stuffed, ending ".\r\n" */
	size_t	 len;
};

static struct msg	*msgs;
static size_t		 nmsgs;
static long		 count = 1000;
static const char	*host = "127.0.0.1";
/* -f: the envelope senders, "a@x,b@y": message i is sent by the
 * (i mod n)th (bench/milter: one applicant each). */
static const char	*froms[64] = { "priya.raman@example.com" };
static size_t		 nfroms = 1;
static const char	*port;
static double		*lat;		/* microseconds, per message */
static atomic_long	 next_i;
static atomic_long	 n_ok, n_held, n_failed;
static atomic_int	 first_error_shown;

struct conn {
	int	fd;
	char	buf[MAX_REPLY];
	size_t	have;
};

static double
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void
die(const char *what)
{
	fprintf(stderr, "mgload: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The file as SMTP DATA: LF or CRLF lines to CRLF, leading dots doubled,
 * the final dot appended. */
static void
load_msg(struct msg *m, const char *path)
{
	FILE	*f = fopen(path, "rb");
	char	*raw = NULL, *out;
	size_t	 cap = 0, n = 0, o = 0;
	int	 c, bol = 1;

	if (f == NULL)
		die(path);
	while ((c = getc(f)) != EOF) {
		if (n + 1 >= cap && (raw = realloc(raw, cap = cap * 2 + 4096)) == NULL)
			die("realloc");
		raw[n++] = (char)c;
	}
	fclose(f);
	if ((out = malloc(n * 2 + 8)) == NULL)
		die("malloc");
	for (size_t i = 0; i < n; i++) {
		if (bol && raw[i] == '.')
			out[o++] = '.';
		bol = 0;
		if (raw[i] == '\r' && i + 1 < n && raw[i + 1] == '\n')
			continue;
		if (raw[i] == '\n') {
			out[o++] = '\r';
			out[o++] = '\n';
			bol = 1;
		} else
			out[o++] = raw[i];
	}
	if (!bol) {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	memcpy(out + o, ".\r\n", 3);
	m->data = out;
	m->len = o + 3;
	free(raw);
}

static void
load_manifest(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	 line[4096];
	size_t	 cap = 0;

	if (f == NULL)
		die(path);
	while (fgets(line, sizeof(line), f) != NULL) {
		char	*tab = strchr(line, '\t');

		line[strcspn(line, "\r\n")] = '\0';
		if (tab == NULL)
			continue;
		*tab = '\0';
		if (nmsgs == cap && (msgs = realloc(msgs,
		    (cap = cap * 2 + 64) * sizeof(*msgs))) == NULL)
			die("realloc");
		if ((msgs[nmsgs].rcpt = strdup(line)) == NULL)
			die("strdup");
		load_msg(&msgs[nmsgs], tab + 1);
		nmsgs++;
	}
	fclose(f);
	if (nmsgs == 0) {
		fprintf(stderr, "mgload: %s: no messages\n", path);
		exit(1);
	}
}

static int
dial(void)
{
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int		 fd, on = 1;

	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd != -1 && connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd != -1)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	return fd;
}

static int
send_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t	w = send(fd, p, len, MSG_NOSIGNAL);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Reads one reply (all lines); its code, or -1.  text gets its last line. */
static int
reply(struct conn *c, char *text, size_t textlen)
{
	for (;;) {
		char	*nl;

		while ((nl = memchr(c->buf, '\n', c->have)) != NULL) {
			size_t	ll = (size_t)(nl - c->buf) + 1;
			int	last = ll >= 4 && c->buf[3] != '-';
			int	code = atoi(c->buf);

			if (last && text != NULL)
				snprintf(text, textlen, "%.*s", (int)ll, c->buf);
			memmove(c->buf, nl + 1, c->have - ll);
			c->have -= ll;
			if (last)
				return code;
		}
		if (c->have == sizeof(c->buf))
			return -1;
		ssize_t	n = read(c->fd, c->buf + c->have, sizeof(c->buf) - c->have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c->have += (size_t)n;
	}
}

static int
cmd(struct conn *c, const char *line, int want)
{
	if (send_all(c->fd, line, strlen(line)) == -1)
		return -1;
	return reply(c, NULL, 0) == want ? 0 : -1;
}

static void
fail(const char *why, const char *text)
{
	atomic_fetch_add(&n_failed, 1);
	if (atomic_exchange(&first_error_shown, 1) == 0)
		fprintf(stderr, "mgload: first failure: %s %s\n", why,
		    text != NULL ? text : "");
}

static void
one(long i)
{
	const struct msg *m = &msgs[(size_t)i % nmsgs];
	struct conn	  c = { .fd = dial() };
	char		  line[600], mail[600], text[512] = "";
	double		  t0;
	int		  code;

	lat[i] = -1;
	if (c.fd == -1) {
		fail("connect", strerror(errno));
		return;
	}
	snprintf(line, sizeof(line), "RCPT TO:<%s>\r\n", m->rcpt);
	snprintf(mail, sizeof(mail), "MAIL FROM:<%s>\r\n",
	    froms[(size_t)i % nfroms]);
	if (reply(&c, text, sizeof(text)) != 220 ||
	    cmd(&c, "EHLO mgload.localdomain\r\n", 250) == -1 ||
	    cmd(&c, mail, 250) == -1 ||
	    cmd(&c, line, 250) == -1 || cmd(&c, "DATA\r\n", 354) == -1 ||
	    send_all(c.fd, m->data, m->len) == -1) {
		fail("dialogue", text);
		close(c.fd);
		return;
	}
	t0 = now_us();
	code = reply(&c, text, sizeof(text));
	lat[i] = now_us() - t0;
	if (code == 250 && strstr(text, "held for review") != NULL)
		atomic_fetch_add(&n_held, 1);
	else if (code == 250)
		atomic_fetch_add(&n_ok, 1);
	else
		fail("end of data", text);
	(void)cmd(&c, "QUIT\r\n", 221);
	close(c.fd);
}

static void *
worker(void *arg)
{
	long	i;

	(void)arg;
	while ((i = atomic_fetch_add(&next_i, 1)) < count)
		one(i);
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(const double *v, size_t n, double p)
{
	size_t	k;

	if (n == 0)
		return 0;
	k = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
	return v[k < n ? k : n - 1];
}

int
main(int argc, char **argv)
{
	const char	*latfile = NULL;
	pthread_t	*t;
	double		 t0, secs, *ok;
	size_t		 nok = 0;
	int		 ch, sessions = 8;

	while ((ch = getopt(argc, argv, "H:p:s:n:l:f:")) != -1) {
		switch (ch) {
		case 'H': host = optarg; break;
		case 'p': port = optarg; break;
		case 's': sessions = atoi(optarg); break;
		case 'n': count = atol(optarg); break;
		case 'l': latfile = optarg; break;
		case 'f':
			for (nfroms = 0, froms[0] = strtok(optarg, ",");
			    froms[nfroms] != NULL && nfroms < 63;)
				froms[++nfroms] = strtok(NULL, ",");
			if (nfroms == 0)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (port == NULL || optind != argc - 1 || sessions < 1 || count < 1)
		goto usage;
	load_manifest(argv[optind]);
	if ((lat = calloc((size_t)count, sizeof(*lat))) == NULL ||
	    (ok = calloc((size_t)count, sizeof(*ok))) == NULL ||
	    (t = calloc((size_t)sessions, sizeof(*t))) == NULL)
		die("calloc");
	t0 = now_us();
	for (int i = 0; i < sessions; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0)
			die("pthread_create");
	for (int i = 0; i < sessions; i++)
		pthread_join(t[i], NULL);
	secs = (now_us() - t0) / 1e6;
	for (long i = 0; i < count; i++)
		if (lat[i] >= 0)
			ok[nok++] = lat[i];
	if (latfile != NULL) {
		FILE	*f = fopen(latfile, "w");

		if (f == NULL)
			die(latfile);
		for (size_t i = 0; i < nok; i++)
			fprintf(f, "%.1f\n", ok[i]);
		fclose(f);
	}
	qsort(ok, nok, sizeof(*ok), cmp_double);
	printf("sent=%ld ok=%ld held=%ld failed=%ld secs=%.3f rate=%.1f "
	    "p50_us=%.0f p99_us=%.0f max_us=%.0f\n", count,
	    atomic_load(&n_ok), atomic_load(&n_held), atomic_load(&n_failed),
	    secs, (double)(atomic_load(&n_ok) + atomic_load(&n_held)) / secs,
	    pct(ok, nok, 50), pct(ok, nok, 99), nok > 0 ? ok[nok - 1] : 0);
	return atomic_load(&n_failed) > 0 ? 2 : 0;
usage:
	fprintf(stderr, "usage: mgload -p PORT [-H HOST] [-s SESSIONS] "
	    "[-n COUNT] [-l LATFILE] [-f FROM,...] MANIFEST\n");
	return 1;
}
