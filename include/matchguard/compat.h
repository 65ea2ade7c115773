/*
 * compat.h - the calls matchguard uses that POSIX does not have, for a
 * system without them (macOS).  Included by config_auto.h, so by every
 * file; on Linux (glibc) nothing here changes a thing.
 *
 * pipe2, accept4, SOCK_CLOEXEC / SOCK_NONBLOCK, MSG_NOSIGNAL,
 * explicit_bzero and the glibc form of qsort_r are on Linux and the BSDs
 * but not on macOS; there they are made from POSIX calls (compat.c).
 * The fallbacks are always built (mg_compat_*) so that the unit tests
 * run them on Linux too.  The Mac build is not tested here.
 */
#ifndef MATCHGUARD_COMPAT_H
#define MATCHGUARD_COMPAT_H

/* The system's declarations first, so that the names defined below do
 * not rename them. */
#include <sys/types.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int	mg_compat_pipe2(int fd[2], int flags);
int	mg_compat_socket(int domain, int type, int protocol);
int	mg_compat_accept4(int fd, struct sockaddr *sa, socklen_t *len,
	    int flags);
void	mg_compat_explicit_bzero(void *p, size_t n);
void	mg_compat_qsort_r(void *base, size_t n, size_t size,
	    int (*cmp)(const void *, const void *, void *), void *arg);

/* The flags a system without them gets: bits no socket type uses. */
#define MG_COMPAT_SOCK_CLOEXEC	0x10000000
#define MG_COMPAT_SOCK_NONBLOCK	0x20000000

#if defined(__APPLE__)
#ifndef SOCK_CLOEXEC
#define SOCK_CLOEXEC		MG_COMPAT_SOCK_CLOEXEC
#define SOCK_NONBLOCK		MG_COMPAT_SOCK_NONBLOCK
#define socket(d, t, p)		mg_compat_socket((d), (t), (p))
#define accept4(f, s, l, fl)	mg_compat_accept4((f), (s), (l), (fl))
#endif
#define pipe2(fd, fl)		mg_compat_pipe2((fd), (fl))
#define explicit_bzero(p, n)	mg_compat_explicit_bzero((p), (n))
/* macOS's qsort_r takes its arguments in another order. */
#define qsort_r(b, n, s, c, a)	mg_compat_qsort_r((b), (n), (s), (c), (a))
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL		0	/* SO_NOSIGPIPE is set instead */
#endif
#endif

#endif
