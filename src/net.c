/*
 * net.c - outgoing TCP connections with a timeout (see net.h).
 */
#include "config_auto.h"

#include <sys/select.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "matchguard/net.h"
#include "matchguard/util.h"

static int
wait_connect(int fd, int timeout, int *error)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLOUT };
	socklen_t	len = sizeof(*error);
	int		r;

	while ((r = poll(&pfd, 1, timeout * 1000)) == -1 && errno == EINTR)
		continue;
	if (r == 0) {
		*error = ETIMEDOUT;
		return -1;
	}
	if (r == -1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, error, &len) == -1)
		*error = errno;
	return *error == 0 ? 0 : -1;
}

static int
try_address(const struct addrinfo *ai, int timeout, int *error)
{
	int	fd;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, ai->ai_protocol);
	if (fd == -1) {
		*error = errno;
		return -1;
	}
	/* libetpan's select() aborts the process on such a descriptor. */
	if (fd >= FD_SETSIZE) {
		close(fd);
		*error = EMFILE;
		return -1;
	}
	if ((connect(fd, ai->ai_addr, ai->ai_addrlen) == -1 &&
	    (errno != EINPROGRESS || wait_connect(fd, timeout, error) == -1)) ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1) {
		if (*error == 0)
			*error = errno;
		close(fd);
		return -1;
	}
	return fd;
}

int
mg_net_connect(const char *name, const char *shown, int port, int timeout,
    char *err, size_t errlen)
{
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM }, *ai, *p;
	char		 ps[8];
	int		 fd = -1, r, error = 0;

	snprintf(ps, sizeof(ps), "%d", port);
	if ((r = getaddrinfo(name, ps, &hints, &ai)) != 0) {
		mg_seterr(err, errlen, "cannot connect to %s:%d: %s", shown,
		    port, gai_strerror(r));
		return -1;
	}
	for (p = ai; p != NULL && fd == -1; p = p->ai_next) {
		error = 0;
		fd = try_address(p, timeout, &error);
	}
	freeaddrinfo(ai);
	if (fd == -1)
		mg_seterr(err, errlen, "cannot connect to %s:%d: %s", shown,
		    port, error == ETIMEDOUT ? "timed out" : strerror(error));
	return fd;
}

int
mg_net_host_name(const char *host, char *name, size_t len)
{
	size_t		hl = strlen(host);
	unsigned char	addr[16];

	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']')
		snprintf(name, len, "%.*s", (int)(hl - 2), host + 1);
	else
		snprintf(name, len, "%s", host);
	return !(inet_pton(AF_INET, name, addr) == 1 ||
	    inet_pton(AF_INET6, name, addr) == 1);
}
