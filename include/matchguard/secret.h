/*
 * secret.h - the password or OAuth2 token of a mail account, given in
 * the configuration or printed by its password_command (as msmtp's
 * passwordeval and mbsync's PassCmd do).  Shared by the SMTP relay
 * (upstream_smtp.c) and the IMAP poller (imap_poller.c).
 *
 * password_command runs with /bin/sh -c in a process group of its own;
 * the first line of its output is the secret.  It must finish within
 * timeout seconds, or the whole group is killed.  Its stdin and stderr
 * are ours.  The caller must not set SIGCHLD to SIG_IGN.  Safe to call
 * from several threads at once (posix_spawn, no fork).
 *
 * Errors never quote the output: it may hold part of the secret.
 */
#ifndef MATCHGUARD_SECRET_H
#define MATCHGUARD_SECRET_H

#include <stddef.h>

#define MG_MAX_SECRET	16384	/* bytes of a password or token */

/* Runs cmd and copies the first line of its output (without CR LF) into
 * out[outlen]; -1 when it fails, times out, prints nothing or a first
 * line that does not fit (out is wiped then). */
int	mg_secret_run_command(const char *cmd, int timeout, char *out,
	    size_t outlen, char *err, size_t errlen);

/* password when password_command is NULL, else the command's output:
 * *secret is new memory the caller releases with mg_secret_free(). */
int	mg_secret_get(const char *password, const char *password_command,
	    int timeout, char **secret, char *err, size_t errlen);

/* Wipes and frees; NULL is allowed. */
void	mg_secret_free(char *secret);

#endif
