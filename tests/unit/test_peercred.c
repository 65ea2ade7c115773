/*
 * test_peercred.c - the uid of a loopback TCP peer (src/peercred.c): the
 * /proc/net/tcp and tcp6 parser on samples, then live lookups of a real
 * loopback connection through netlink and through /proc, and the local
 * password file.
 */
#include "config_auto.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "matchguard/peercred.h"
#include "matchguard/util.h"

static struct sockaddr_in
v4(const char *a, unsigned port)
{
	struct sockaddr_in	 in = { .sin_family = AF_INET };

	in.sin_port = htons((uint16_t)port);
	assert_int_equal(inet_pton(AF_INET, a, &in.sin_addr), 1);
	return in;
}

static struct sockaddr_in6
v6(const char *a, unsigned port)
{
	struct sockaddr_in6	 in6 = { .sin6_family = AF_INET6 };

	in6.sin6_port = htons((uint16_t)port);
	assert_int_equal(inet_pton(AF_INET6, a, &in6.sin6_addr), 1);
	return in6;
}

/* A sample of /proc/net/tcp on a little-endian machine: a listener on
 * 127.0.0.1:2501, a client of it from port 54321 (uid 1000) and the
 * server's end (uid 0); a TIME_WAIT socket and an orphan (inode 0) with
 * the numbers of other connections; one to another address. */
static const char tcp_sample[] =
"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
"   0: 0100007F:09C5 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 40001 1 0000000000000000 100 0 0 10 0\n"
"   1: 0100007F:D431 0100007F:09C5 01 00000000:00000000 00:00000000 00000000  1000        0 40002 1 0000000000000000 20 4 30 10 -1\n"
"   2: 0100007F:09C5 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 40003 1 0000000000000000 20 4 31 10 -1\n"
"   3: 0100007F:D432 0100007F:09C5 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000\n"
"   4: 0100007F:D433 0100007F:09C5 05 00000000:00000000 00:00000000 00000000  1001        0 0 1 0000000000000000 20 4 0 10 -1\n"
"   5: 0200007F:D431 0100007F:09C5 01 00000000:00000000 00:00000000 00000000  1002        0 40005 1 0000000000000000 20 4 30 10 -1\n";

/* ::1 port 2501, its client from 54321 as uid 65534; a dual-stack
 * client (uid 1000) of 127.0.0.1:2501 from port 54322, which is
 * ::ffff:127.0.0.1 in this table. */
static const char tcp6_sample[] =
"  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
"   0: 00000000000000000000000001000000:09C5 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 50001 1 0000000000000000 100 0 0 10 0\n"
"   1: 00000000000000000000000001000000:D431 00000000000000000000000001000000:09C5 01 00000000:00000000 00:00000000 00000000 65534        0 50002 1 0000000000000000 20 4 30 10 -1\n"
"   2: 0000000000000000FFFF00000100007F:D432 0000000000000000FFFF00000100007F:09C5 01 00000000:00000000 00:00000000 00000000  1000        0 50003 1 0000000000000000 20 4 30 10 -1\n";

static int
little_endian(void)
{
	uint32_t	 x = 1;
	unsigned char	 b;

	memcpy(&b, &x, 1);
	return b == 1;
}

static void
proc_parser(void **state)
{
	struct sockaddr_in	 srv = v4("127.0.0.1", 2501);
	struct sockaddr_in	 cli, other;
	struct sockaddr_in6	 srv6 = v6("::1", 2501), cli6;
	uid_t			 uid = 12345;
	char			 err[MG_ERRLEN];

	(void)state;
	if (!little_endian())
		skip();		/* the samples are little-endian */
	cli = v4("127.0.0.1", 54321);
	assert_int_equal(mg_peercred_proc_find(tcp_sample,
	    (struct sockaddr *)&cli, (struct sockaddr *)&srv, &uid, err,
	    sizeof(err)), 1);
	assert_int_equal(uid, 1000);
	/* The other way round is the server's own end. */
	assert_int_equal(mg_peercred_proc_find(tcp_sample,
	    (struct sockaddr *)&srv, (struct sockaddr *)&cli, &uid, err,
	    sizeof(err)), 1);
	assert_int_equal(uid, 0);
	/* Another client address with the same port. */
	other = v4("127.0.0.2", 54321);
	assert_int_equal(mg_peercred_proc_find(tcp_sample,
	    (struct sockaddr *)&other, (struct sockaddr *)&srv, &uid, err,
	    sizeof(err)), 1);
	assert_int_equal(uid, 1002);
	/* TIME_WAIT (uid 0) and an orphan (inode 0) are no answer. */
	uid = 12345;
	cli = v4("127.0.0.1", 54322);
	assert_int_equal(mg_peercred_proc_find(tcp_sample,
	    (struct sockaddr *)&cli, (struct sockaddr *)&srv, &uid, err,
	    sizeof(err)), 0);
	cli = v4("127.0.0.1", 54323);
	assert_int_equal(mg_peercred_proc_find(tcp_sample,
	    (struct sockaddr *)&cli, (struct sockaddr *)&srv, &uid, err,
	    sizeof(err)), 0);
	/* Nobody; and the listener is not a client of anything. */
	cli = v4("127.0.0.1", 1);
	assert_int_equal(mg_peercred_proc_find(tcp_sample,
	    (struct sockaddr *)&cli, (struct sockaddr *)&srv, &uid, err,
	    sizeof(err)), 0);
	other = v4("0.0.0.0", 0);
	assert_int_equal(mg_peercred_proc_find(tcp_sample,
	    (struct sockaddr *)&srv, (struct sockaddr *)&other, &uid, err,
	    sizeof(err)), 0);
	assert_int_equal(uid, 12345);
	/* IPv6. */
	cli6 = v6("::1", 54321);
	assert_int_equal(mg_peercred_proc_find(tcp6_sample,
	    (struct sockaddr *)&cli6, (struct sockaddr *)&srv6, &uid, err,
	    sizeof(err)), 1);
	assert_int_equal(uid, 65534);
	/* The dual-stack client, by its mapped addresses. */
	cli6 = v6("::ffff:127.0.0.1", 54322);
	srv6 = v6("::ffff:127.0.0.1", 2501);
	assert_int_equal(mg_peercred_proc_find(tcp6_sample,
	    (struct sockaddr *)&cli6, (struct sockaddr *)&srv6, &uid, err,
	    sizeof(err)), 1);
	assert_int_equal(uid, 1000);
	srv6 = v6("::1", 2501);
	cli6 = v6("::2", 54321);
	assert_int_equal(mg_peercred_proc_find(tcp6_sample,
	    (struct sockaddr *)&cli6, (struct sockaddr *)&srv6, &uid, err,
	    sizeof(err)), 0);
	/* The IPv4 table read as IPv6 is garbage, and so is this. */
	assert_int_equal(mg_peercred_proc_find(tcp_sample,
	    (struct sockaddr *)&cli6, (struct sockaddr *)&srv6, &uid, err,
	    sizeof(err)), -1);
	assert_int_equal(mg_peercred_proc_find("   0: zz\n",
	    (struct sockaddr *)&cli, (struct sockaddr *)&srv, &uid, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "unexpected line"));
	assert_int_equal(mg_peercred_proc_find("", (struct sockaddr *)&cli,
	    (struct sockaddr *)&srv, &uid, err, sizeof(err)), 0);
	/* Families that do not go together. */
	assert_int_equal(mg_peercred_proc_find(tcp_sample,
	    (struct sockaddr *)&cli, (struct sockaddr *)&srv6, &uid, err,
	    sizeof(err)), -1);
}

static void
loopback(void **state)
{
	struct sockaddr_in	 a = v4("127.0.0.1", 80);
	struct sockaddr_in	 b = v4("127.200.1.1", 80);
	struct sockaddr_in	 c = v4("10.0.0.1", 80);
	struct sockaddr_in6	 d = v6("::1", 80), e = v6("::ffff:127.0.0.1", 80);
	struct sockaddr_in6	 f = v6("fe80::1", 80), g = v6("::ffff:10.0.0.1", 80);

	(void)state;
	assert_true(mg_peercred_is_loopback((struct sockaddr *)&a));
	assert_true(mg_peercred_is_loopback((struct sockaddr *)&b));
	assert_false(mg_peercred_is_loopback((struct sockaddr *)&c));
	assert_true(mg_peercred_is_loopback((struct sockaddr *)&d));
	assert_true(mg_peercred_is_loopback((struct sockaddr *)&e));
	assert_false(mg_peercred_is_loopback((struct sockaddr *)&f));
	assert_false(mg_peercred_is_loopback((struct sockaddr *)&g));
}

/* The address a client connects to: 127.0.0.1, ::1, or 127.0.0.1 as
 * ::ffff:127.0.0.1 from an AF_INET6 socket (a dual-stack client, such as
 * Java's or Python's AF_INET6 socket, to an IPv4 listener). */
enum pair { PAIR_V4, PAIR_V6, PAIR_MAPPED };

/* The listener: its family and address, and the address to connect to. */
static int
pair_listen(enum pair kind, struct sockaddr_storage *to, socklen_t *tolen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 l, family = kind == PAIR_V6 ? AF_INET6 : AF_INET;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in	 in = v4("127.0.0.1", 0);

		memcpy(&ss, &in, sizeof(in));
		len = sizeof(in);
	} else {
		struct sockaddr_in6	 in6 = v6("::1", 0);

		memcpy(&ss, &in6, sizeof(in6));
		len = sizeof(in6);
	}
	if ((l = socket(family, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(l, (struct sockaddr *)&ss, len) == -1 || listen(l, 1) == -1 ||
	    getsockname(l, (struct sockaddr *)&ss, &len) == -1) {
		close(l);
		return -1;
	}
	if (kind == PAIR_MAPPED) {
		struct sockaddr_in	*in = (struct sockaddr_in *)&ss;
		struct sockaddr_in6	 m = v6("::ffff:127.0.0.1",
		    ntohs(in->sin_port));

		memset(&ss, 0, sizeof(ss));
		memcpy(&ss, &m, sizeof(m));
		len = sizeof(m);
	}
	memcpy(to, &ss, sizeof(ss));
	*tolen = len;
	return l;
}

/* A real connection over loopback: *srv is the accepted end, *cli the
 * client's.  -1 when the family is not available here. */
static int
connect_pair(enum pair kind, int *srv, int *cli)
{
	struct sockaddr_storage	 to;
	socklen_t		 len;
	int			 l;

	if ((l = pair_listen(kind, &to, &len)) == -1)
		return -1;
	if ((*cli = socket(to.ss_family, SOCK_STREAM, 0)) == -1 ||
	    connect(*cli, (struct sockaddr *)&to, len) == -1) {
		if (*cli != -1)
			close(*cli);
		close(l);
		return -1;
	}
	*srv = accept(l, NULL, NULL);
	assert_true(*srv != -1);
	close(l);
	return 0;
}

static void
live_one(enum pair kind, const char *name)
{
	static const enum mg_peercred_how how[] = { MG_PEERCRED_ANY,
	    MG_PEERCRED_NETLINK, MG_PEERCRED_PROC };
	static const char *const hname[] = { "any", "netlink", "/proc" };
	char	 err[MG_ERRLEN];
	int	 srv, cli, rc;
	uid_t	 uid;

	if (connect_pair(kind, &srv, &cli) == -1) {
		print_message("%s: not available here, skipped\n", name);
		return;
	}
	for (size_t i = 0; i < 3; i++) {
		uid = (uid_t)-2;
		rc = mg_peercred_tcp_uid(srv, how[i], &uid, err, sizeof(err));
		if (rc == -1 && how[i] == MG_PEERCRED_NETLINK &&
		    mg_peercred_supported()) {
			print_message("%s, netlink: %s (the /proc fallback "
			    "is used)\n", name, err);
			continue;
		}
		if (!mg_peercred_supported()) {
			assert_int_equal(rc, -1);
			continue;
		}
		if (rc != 1)
			fail_msg("%s, %s: %d %s", name, hname[i], rc,
			    rc == -1 ? err : "not found");
		assert_int_equal(uid, geteuid());
		print_message("%s, %s: uid %u\n", name, hname[i],
		    (unsigned)uid);
	}
	/* The client gone, its socket belongs to nobody: no answer, even
	 * though the kernel still lists it (FIN_WAIT2). */
	close(cli);
	if (mg_peercred_supported())
		for (size_t i = 0; i < 3; i++) {
			rc = mg_peercred_tcp_uid(srv, how[i], &uid, err,
			    sizeof(err));
			if (rc == -1 && how[i] == MG_PEERCRED_NETLINK)
				continue;
			if (rc != 0)
				fail_msg("%s, %s, client closed: %d (uid %u)",
				    name, hname[i], rc, (unsigned)uid);
		}
	close(srv);
}

static void
live(void **state)
{
	(void)state;
	live_one(PAIR_V4, "127.0.0.1");
	live_one(PAIR_V6, "::1");
	live_one(PAIR_MAPPED, "::ffff:127.0.0.1 from an AF_INET6 socket");
}

/* How long one lookup takes (serve makes it in its accept loop, for every
 * connection, before the connection gets a session). */
static void
lookup_time(void **state)
{
	static const enum mg_peercred_how how[] = { MG_PEERCRED_NETLINK,
	    MG_PEERCRED_PROC };
	static const char *const hname[] = { "netlink", "/proc" };
	struct timespec	 t0, t1;
	char		 err[MG_ERRLEN];
	int		 srv, cli, n = 2000;
	uid_t		 uid;

	(void)state;
	if (!mg_peercred_supported() || connect_pair(PAIR_V4, &srv, &cli) == -1)
		skip();
	for (size_t k = 0; k < 2; k++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int i = 0; i < n; i++)
			if (mg_peercred_tcp_uid(srv, how[k], &uid, err,
			    sizeof(err)) != 1)
				break;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		print_message("one lookup through %s: %.1f microseconds (mean "
		    "of %d)\n", hname[k], ((double)(t1.tv_sec - t0.tv_sec) *
		    1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 1e3 / n, n);
		if (k == 0)
			n = 200;
	}
	close(cli);
	close(srv);
}

/* As root: a client made by another user (65534, nobody) is seen as it,
 * over IPv4, IPv6, and from a dual-stack socket to ::ffff:127.0.0.1. */
static void
other_user_one(enum pair kind, const char *name)
{
	struct sockaddr_storage	 to;
	socklen_t		 len;
	char			 err[MG_ERRLEN], c;
	int			 l, srv, st, rc;
	pid_t			 pid;
	uid_t			 uid;

	if ((l = pair_listen(kind, &to, &len)) == -1) {
		print_message("%s: not available here, skipped\n", name);
		return;
	}
	if ((pid = fork()) == 0) {
		int	 fd;

		if (setgid(65534) == -1 || setuid(65534) == -1 ||
		    (fd = socket(to.ss_family, SOCK_STREAM, 0)) == -1 ||
		    connect(fd, (struct sockaddr *)&to, len) == -1 ||
		    write(fd, "x", 1) != 1)
			_exit(1);
		(void)read(fd, &c, 1);	/* until the parent closes */
		_exit(0);
	}
	assert_true(pid > 0);
	assert_true((srv = accept(l, NULL, NULL)) != -1);
	assert_int_equal(read(srv, &c, 1), 1);
	for (int how = MG_PEERCRED_ANY; how <= MG_PEERCRED_PROC; how++) {
		uid = 0;
		rc = mg_peercred_tcp_uid(srv, (enum mg_peercred_how)how, &uid,
		    err, sizeof(err));
		if (rc == -1 && how == MG_PEERCRED_NETLINK)
			continue;
		if (rc != 1)
			fail_msg("%s, how %d: %d %s", name, how, rc,
			    rc == -1 ? err : "not found");
		assert_int_equal(uid, 65534);
	}
	print_message("%s as uid 65534: seen as 65534\n", name);
	close(srv);
	close(l);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
other_user(void **state)
{
	(void)state;
	if (geteuid() != 0 || !mg_peercred_supported())
		skip();
	other_user_one(PAIR_V4, "127.0.0.1");
	other_user_one(PAIR_V6, "::1");
	other_user_one(PAIR_MAPPED, "::ffff:127.0.0.1 from an AF_INET6 socket");
}

static void
local_password(void **state)
{
	char		 dir[] = "/tmp/mgpeercred.XXXXXX", sub[256], path[300];
	char		 err[MG_ERRLEN], *pw = NULL, *again = NULL, fifo[310];
	int		 created = -1;
	struct stat	 st;
	FILE		*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/state/matchguard", dir);
	snprintf(path, sizeof(path), "%s/" MG_LOCAL_PASSWORD_FILE, sub);
	/* First start: made, 0600, in a new 0700 directory. */
	assert_int_equal(mg_peercred_local_password(sub, &pw, &created, err,
	    sizeof(err)), 0);
	assert_int_equal(created, 1);
	assert_int_equal(strlen(pw), 24);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* Next start: the same one. */
	assert_int_equal(mg_peercred_local_password(sub, &again, &created, err,
	    sizeof(err)), 0);
	assert_int_equal(created, 0);
	assert_string_equal(pw, again);
	mg_peercred_password_free(again);
	/* Readable by others: refused, with what to do. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(mg_peercred_local_password(sub, &again, &created, err,
	    sizeof(err)), -1);
	assert_null(again);
	assert_non_null(strstr(err, "can be read by other users (mode 0644): "
	    "delete it"));
	/* Another user's (as root): refused, and it says so. */
	assert_int_equal(chmod(path, 0600), 0);
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(mg_peercred_local_password(sub, &again,
		    &created, err, sizeof(err)), -1);
		assert_null(again);
		assert_non_null(strstr(err, "belongs to another user (uid "
		    "65534)"));
		assert_null(strstr(err, "can be read"));
		assert_int_equal(chown(path, 0, 0), 0);
	}
	/* A FIFO planted there: refused at once, not waited on. */
	snprintf(fifo, sizeof(fifo), "%s.real", path);
	assert_int_equal(rename(path, fifo), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(mg_peercred_local_password(sub, &again, &created, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a plain file"));
	assert_int_equal(unlink(path), 0);
	/* A symbolic link to the user's own 0600 file: refused too. */
	assert_int_equal(symlink(fifo, path), 0);
	assert_int_equal(mg_peercred_local_password(sub, &again, &created, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "is a symbolic link"));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rename(fifo, path), 0);
	/* Empty: refused. */
	assert_int_equal(chmod(path, 0600), 0);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	assert_int_equal(mg_peercred_local_password(sub, &again, &created, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "holds no password"));
	/* Written by the user: the first line, when it is long enough. */
	assert_non_null(f = fopen(path, "w"));
	fputs("my own\r\nsecond\n", f);
	fclose(f);
	assert_int_equal(mg_peercred_local_password(sub, &again, &created, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "a password of 6 characters"));
	assert_non_null(f = fopen(path, "w"));
	fputs("my own long one\r\nsecond\n", f);
	fclose(f);
	assert_int_equal(mg_peercred_local_password(sub, &again, &created, err,
	    sizeof(err)), 0);
	assert_string_equal(again, "my own long one");
	mg_peercred_password_free(again);
	mg_peercred_password_free(pw);
	unlink(path);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/state", dir);
	rmdir(sub);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proc_parser),
		cmocka_unit_test(loopback),
		cmocka_unit_test(live),
		cmocka_unit_test(other_user),
		cmocka_unit_test(lookup_time),
		cmocka_unit_test(local_password),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
