/*
 * net.h - outgoing TCP connections to mail servers, shared by the SMTP
 * relay and the IMAP poller.
 */
#ifndef MATCHGUARD_NET_H
#define MATCHGUARD_NET_H

#include <stddef.h>

/* Connects to name (a host name or address, without [ ]) on port,
 * trying every address in turn, each within timeout seconds.  Returns a
 * blocking, close-on-exec socket, or -1 with "cannot connect to
 * HOST:PORT: why" in err (HOST as the user wrote it: shown).  A socket
 * at or above FD_SETSIZE, which libetpan's select() cannot take, is
 * closed and refused ("Too many open files"). */
int	mg_net_connect(const char *name, const char *shown, int port,
	    int timeout, char *err, size_t errlen);

/* Copies host into name[len] without the [ ] of "[::1]"; returns 1 when
 * it is a DNS name (to send as SNI, RFC 6066), 0 for an IP address. */
int	mg_net_host_name(const char *host, char *name, size_t len);

#endif
