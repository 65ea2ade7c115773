/*
 * compat.c - POSIX-only stand-ins for pipe2, accept4, the socket flags,
 * explicit_bzero and glibc's qsort_r (compat.h).
 */
#include "config_auto.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Not the macros of compat.h: the real calls. */
#undef socket
#undef accept4
#undef pipe2
#undef qsort_r

static int
set_flags(int fd, int cloexec, int nonblock)
{
	int	fl;

	if (cloexec && fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return -1;
	if (nonblock && ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1))
		return -1;
#ifdef SO_NOSIGPIPE
	{
		int	one = 1;

		/* Not a socket (a pipe): ENOTSOCK, and no matter. */
		(void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one,
		    sizeof(one));
	}
#endif
	return 0;
}

static void
close_both(int fd[2])
{
	close(fd[0]);
	close(fd[1]);
}

int
mg_compat_pipe2(int fd[2], int flags)
{
	if (pipe(fd) == -1)
		return -1;
	if (set_flags(fd[0], flags & O_CLOEXEC, flags & O_NONBLOCK) == -1 ||
	    set_flags(fd[1], flags & O_CLOEXEC, flags & O_NONBLOCK) == -1) {
		close_both(fd);
		return -1;
	}
	return 0;
}

int
mg_compat_socket(int domain, int type, int protocol)
{
	int	fd = socket(domain, type & ~(MG_COMPAT_SOCK_CLOEXEC |
	    MG_COMPAT_SOCK_NONBLOCK), protocol);

	if (fd != -1 && set_flags(fd, type & MG_COMPAT_SOCK_CLOEXEC,
	    type & MG_COMPAT_SOCK_NONBLOCK) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int
mg_compat_accept4(int lfd, struct sockaddr *sa, socklen_t *len, int flags)
{
	int	fd = accept(lfd, sa, len);

	if (fd != -1 && set_flags(fd, flags & MG_COMPAT_SOCK_CLOEXEC,
	    flags & MG_COMPAT_SOCK_NONBLOCK) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

void
mg_compat_explicit_bzero(void *p, size_t n)
{
	volatile unsigned char	*v = p;

	while (n-- > 0)
		*v++ = 0;
}

/* glibc's qsort_r(base, n, size, cmp(a, b, arg), arg) from plain
 * qsort, the argument in a thread-local variable. */
struct qs_ctx {
	int	(*cmp)(const void *, const void *, void *);
	void	*arg;
};
static _Thread_local struct qs_ctx qs;

static int
qs_cmp(const void *a, const void *b)
{
	return qs.cmp(a, b, qs.arg);
}

void
mg_compat_qsort_r(void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *, void *), void *arg)
{
	struct qs_ctx	saved = qs;

	qs.cmp = cmp;
	qs.arg = arg;
	qsort(base, n, size, qs_cmp);
	qs = saved;
}
