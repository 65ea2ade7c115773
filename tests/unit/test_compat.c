/*
 * test_compat.c - the POSIX stand-ins of compat.h, run here on Linux as
 * they would be on macOS.
 */
#include "config_auto.h"

#include <sys/socket.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "mg_test.h"

static void
assert_flags(int fd, int cloexec, int nonblock)
{
	assert_int_equal((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, cloexec);
	assert_int_equal((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, nonblock);
}

static void
test_pipe2(void **state)
{
	int	fd[2];

	(void)state;
	assert_int_equal(mg_compat_pipe2(fd, O_CLOEXEC | O_NONBLOCK), 0);
	assert_flags(fd[0], 1, 1);
	assert_flags(fd[1], 1, 1);
	close(fd[0]);
	close(fd[1]);
	assert_int_equal(mg_compat_pipe2(fd, O_CLOEXEC), 0);
	assert_flags(fd[0], 1, 0);
	close(fd[0]);
	close(fd[1]);
}

static void
test_socket_accept(void **state)
{
	struct sockaddr_in	sa = { .sin_family = AF_INET };
	socklen_t		len = sizeof(sa);
	int			l, c, a;

	(void)state;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = mg_compat_socket(AF_INET, SOCK_STREAM | MG_COMPAT_SOCK_CLOEXEC |
	    MG_COMPAT_SOCK_NONBLOCK, 0);
	assert_true(l >= 0);
	assert_flags(l, 1, 1);
	assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sa, &len), 0);
	c = mg_compat_socket(AF_INET, SOCK_STREAM | MG_COMPAT_SOCK_CLOEXEC, 0);
	assert_flags(c, 1, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&sa, sizeof(sa)), 0);
	for (int i = 0; i < 100 && (a = mg_compat_accept4(l, NULL, NULL,
	    MG_COMPAT_SOCK_CLOEXEC)) == -1; i++)
		usleep(10000);
	assert_true(a >= 0);
	assert_flags(a, 1, 0);
	close(a);
	close(c);
	close(l);
}

static int
cmp_mod(const void *a, const void *b, void *arg)
{
	int	m = *(const int *)arg;

	return *(const int *)a % m - *(const int *)b % m;
}

static void
test_bzero_qsort(void **state)
{
	char	secret[8] = "hunter2";
	int	v[] = { 14, 3, 9, 20, 1 }, m = 10;

	(void)state;
	mg_compat_explicit_bzero(secret, sizeof(secret));
	for (size_t i = 0; i < sizeof(secret); i++)
		assert_int_equal(secret[i], 0);
	mg_compat_qsort_r(v, 5, sizeof(int), cmp_mod, &m);
	assert_int_equal(v[0], 20);
	assert_int_equal(v[1], 1);
	assert_int_equal(v[2], 3);
	assert_int_equal(v[3], 14);
	assert_int_equal(v[4], 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipe2),
		cmocka_unit_test(test_socket_accept),
		cmocka_unit_test(test_bzero_qsort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
