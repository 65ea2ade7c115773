/*
 * peercred.h - who is at the other end of a local connection to serve.
 *
 * Only the user who runs `matchguard serve` may send through it.  For a
 * TCP connection over loopback, the client's socket is in this machine's
 * socket table, with the uid of the user who made it: Linux answers an
 * exact lookup by the four addresses and ports (NETLINK_SOCK_DIAG,
 * inet_diag), and lists the table in /proc/net/tcp and /proc/net/tcp6,
 * which is read when netlink gives no answer.  Elsewhere the lookup says
 * it is not supported, and serve asks for a password instead: the local
 * password, generated at the first start and kept in a 0600 file.
 */
#ifndef MATCHGUARD_PEERCRED_H
#define MATCHGUARD_PEERCRED_H

#include <sys/socket.h>
#include <sys/types.h>

#include <stddef.h>

/* Where the lookup looks (tests use one at a time). */
enum mg_peercred_how {
	MG_PEERCRED_ANY,	/* netlink, then /proc */
	MG_PEERCRED_NETLINK,
	MG_PEERCRED_PROC
};

/* 1 when this system can tell the uid of a loopback TCP peer. */
int	mg_peercred_supported(void);

/* 1 when sa is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x). */
int	mg_peercred_is_loopback(const struct sockaddr *sa);

/* The uid owning the client's end of fd, an accepted TCP socket whose
 * client is on this machine.  Returns 1 with *uid; 0 when no such socket
 * is owned by a process now (the client went away, or is not local);
 * -1 with err when the lookup itself failed or is not supported.  A
 * socket no process holds (closing, TIME_WAIT) is never an answer: the
 * kernel reports uid 0 for some of those. */
int	mg_peercred_tcp_uid(int fd, enum mg_peercred_how how, uid_t *uid,
	    char *err, size_t errlen);

/* The lookup in the text of /proc/net/tcp (local and remote AF_INET) or
 * /proc/net/tcp6 (AF_INET6): the line whose local address is `local` and
 * remote `remote`.  Same returns as mg_peercred_tcp_uid(); -1 when the
 * text is not in that format. */
int	mg_peercred_proc_find(const char *text, const struct sockaddr *local,
	    const struct sockaddr *remote, uid_t *uid, char *err,
	    size_t errlen);

/* The local password in state_dir/local-password: read, or made (random,
 * 24 characters, mode 0600, state_dir created 0700 when missing).  *pw is
 * the caller's to free with mg_peercred_password_free(); *created says it
 * is new.  Refused (-1, err says what is wrong and what to do): a file
 * that others may read, one that belongs to another user, a symbolic
 * link, anything but a plain file (a FIFO is never waited on), and a
 * password shorter than MG_LOCAL_PASSWORD_MIN. */
#define MG_LOCAL_PASSWORD_FILE	"local-password"
/* The shortest local password (this file, or smtp.local_password): any
 * program of any user on the computer may try to log in. */
#define MG_LOCAL_PASSWORD_MIN	12
int	mg_peercred_local_password(const char *state_dir, char **pw,
	    int *created, char *err, size_t errlen);
void	mg_peercred_password_free(char *pw);
/* The same for any secret of the state directory: file (a name in
 * state_dir), what ("password", "token") for the errors, and min, the
 * fewest characters accepted.  A new one is 24 characters (about 140
 * bits). */
int	mg_peercred_secret_file(const char *state_dir, const char *file,
	    const char *what, size_t min, char **pw, int *created, char *err,
	    size_t errlen);

#endif
