/*
 * secret.c - a password from the configuration, or the first line that
 * password_command prints (see secret.h).  Moved here from relay.c so
 * that the relay and the IMAP poller share one implementation.
 */
#include "config_auto.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "matchguard/secret.h"
#include "matchguard/util.h"

extern char **environ;

static void
wipe(void *p, size_t n)
{
	if (p != NULL)
		explicit_bzero(p, n);
}

static long
ms_left(const struct timespec *deadline)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* The command being run and what has been seen of it. */
struct pwcmd {
	pid_t		 pid;
	int		 fd;		/* read end of its stdout */
	int		 reaped, status;
	int		 eol, overflow;
	size_t		 used;
};

/* Keeps the first line in out; the rest is read and dropped, so that the
 * command does not die of SIGPIPE.  Returns 0 at end of output. */
static int
pwcmd_read(struct pwcmd *pc, char *out, size_t outlen)
{
	char	buf[512];
	ssize_t	n;

	while ((n = read(pc->fd, buf, sizeof(buf))) == -1 && errno == EINTR)
		continue;
	for (ssize_t i = 0; i < n && !pc->eol; i++) {
		if (buf[i] == '\n')
			pc->eol = 1;
		else if (pc->used + 1 < outlen)
			out[pc->used++] = buf[i];
		else
			pc->overflow = 1;
	}
	wipe(buf, sizeof(buf));
	return n <= 0 ? 0 : 1;
}

/* Reads until the end of the output or until the command has exited (a
 * daemon it started, such as gpg-agent, may hold the pipe open), within
 * timeout seconds. */
static int
pwcmd_collect(struct pwcmd *pc, int timeout, char *out, size_t outlen,
    char *err, size_t errlen)
{
	struct pollfd	 pfd = { .fd = pc->fd, .events = POLLIN };
	struct timespec	 deadline;
	long		 left;
	int		 r;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout;
	while ((left = ms_left(&deadline)) > 0) {
		r = poll(&pfd, 1, left < 200 ? (int)left : 200);
		if (r == -1 && errno != EINTR)
			break;
		if (r > 0 && pwcmd_read(pc, out, outlen) == 0)
			return 0;
		/* Nothing to read and the command is gone: all it wrote is
		 * in. */
		if (r == 0 &&
		    waitpid(pc->pid, &pc->status, WNOHANG) == pc->pid) {
			pc->reaped = 1;
			return 0;
		}
	}
	mg_seterr(err, errlen, "password_command did not finish within %d s",
	    timeout);
	return -1;
}

/* Reaps the command; one that closed its output but keeps running is
 * killed (with its process group) after timeout seconds, so that it
 * cannot hold a session. */
static int
pwcmd_wait(struct pwcmd *pc, int timeout, char *err, size_t errlen)
{
	struct timespec	deadline;
	int		st = pc->status, killed = 0;
	pid_t		r;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout;
	while (!pc->reaped) {
		if (!killed && ms_left(&deadline) <= 0) {
			kill(-pc->pid, SIGKILL);
			killed = 1;
		}
		r = waitpid(pc->pid, &st, killed ? 0 : WNOHANG);
		if (r == pc->pid)
			break;
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			mg_seterr(err, errlen, "password_command: waitpid: %s",
			    strerror(errno));
			return -1;
		}
		poll(NULL, 0, 50);
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	/* The exit status only: the output may hold part of a secret. */
	if (WIFEXITED(st))
		mg_seterr(err, errlen, "password_command failed (exit status "
		    "%d)", WEXITSTATUS(st));
	else
		mg_seterr(err, errlen, "password_command failed (killed by "
		    "signal %d)", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return -1;
}

/* The command gets a process group of its own, so that a timeout can
 * stop all of it: sh does not always exec its last command. */
static int
pwcmd_spawn(struct pwcmd *pc, const char *cmd, char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t	 attr;
	sigset_t		 none, dflt;
	char	*argv[] = { "sh", "-c", (char *)(uintptr_t)cmd, NULL };
	int	 p[2], r;

	if (pipe2(p, O_CLOEXEC) == -1) {
		mg_seterr(err, errlen, "password_command: pipe: %s",
		    strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	posix_spawnattr_init(&attr);
	/* The child starts clean: serve's threads block signals and ignore
	 * SIGPIPE, and a command must not inherit either. */
	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&attr, 0);
	r = posix_spawn(&pc->pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (r != 0) {
		close(p[0]);
		mg_seterr(err, errlen, "password_command: cannot run /bin/sh: "
		    "%s", strerror(r));
		return -1;
	}
	pc->fd = p[0];
	return 0;
}

/* Runs cmd with /bin/sh -c, like msmtp's passwordeval; its stdin and
 * stderr are ours.  posix_spawn rather than fork: serve has threads. */
int
mg_secret_run_command(const char *cmd, int timeout, char *out, size_t outlen,
    char *err, size_t errlen)
{
	struct pwcmd	pc = { .fd = -1 };
	int		rc;

	if (pwcmd_spawn(&pc, cmd, err, errlen) == -1)
		return -1;
	rc = pwcmd_collect(&pc, timeout, out, outlen, err, errlen);
	close(pc.fd);
	if (rc == -1 && !pc.reaped)
		kill(-pc.pid, SIGKILL);
	if (pwcmd_wait(&pc, timeout, rc == -1 ? NULL : err, errlen) == -1)
		rc = -1;
	if (pc.used > 0 && out[pc.used - 1] == '\r')
		pc.used--;
	out[pc.used] = '\0';
	if (rc == 0 && pc.overflow) {
		mg_seterr(err, errlen, "password_command: its first line is "
		    "longer than %zu bytes", outlen - 1);
		rc = -1;
	}
	if (rc == 0 && out[0] == '\0') {
		mg_seterr(err, errlen, "password_command printed nothing");
		rc = -1;
	}
	if (rc == -1)
		wipe(out, outlen);
	return rc;
}

int
mg_secret_get(const char *password, const char *password_command,
    int timeout, char **secret, char *err, size_t errlen)
{
	*secret = NULL;
	if (password_command == NULL) {
		if ((*secret = strdup(password != NULL ? password : "")) == NULL)
			goto nomem;
		return 0;
	}
	if ((*secret = malloc(MG_MAX_SECRET)) == NULL)
		goto nomem;
	if (mg_secret_run_command(password_command, timeout, *secret,
	    MG_MAX_SECRET, err, errlen) == -1) {
		free(*secret);
		*secret = NULL;
		return -1;
	}
	return 0;
nomem:
	mg_seterr(err, errlen, "out of memory");
	return -1;
}

void
mg_secret_free(char *secret)
{
	if (secret != NULL) {
		wipe(secret, strlen(secret));
		free(secret);
	}
}
