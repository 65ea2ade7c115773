/*
 * log.h - one line per event on standard error (journald adds the time
 * when serve runs as a systemd unit).  Never pass a password here.
 */
#ifndef MATCHGUARD_LOG_H
#define MATCHGUARD_LOG_H

void	mg_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
