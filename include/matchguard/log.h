/*
 * log.h - one line per event on standard error (journald adds the time
 * when serve runs as a systemd unit).  Never pass a password here.
 */
#ifndef MATCHGUARD_LOG_H
#define MATCHGUARD_LOG_H

void	mg_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* From now on, lines go to path (created 0600, appended, each with its
 * local time) instead of standard error: for a command whose standard
 * error a person reads.  -1 with errno when it cannot be opened. */
int	mg_log_to_file(const char *path);
/* Back to standard error. */
void	mg_log_close(void);

#endif
