/*
 * mg_test.h - small helpers shared by the cmocka unit tests.
 *
 * Include "config_auto.h" before any system header (it defines
 * _GNU_SOURCE, which mkdtemp() and friends need), then this file.  Every
 * helper asserts with cmocka, so it may only be called from a test (or a
 * setup/teardown) function.  Paths returned are malloc'ed: free() them.
 *
 *	char *dir = mg_test_tmpdir();
 *	char *conf = mg_test_write(dir, "matchguard.conf", "identity = ...");
 *	...
 *	free(conf);
 *	mg_test_rmrf(dir);
 *	free(dir);
 */
#ifndef MG_TEST_H
#define MG_TEST_H

#include "config_auto.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* The top of the source tree, for test data; the build passes it. */
#ifndef MG_SRCDIR
#define MG_SRCDIR "."
#endif

/* "dir/name" (either may be empty); caller frees. */
static inline char *
mg_test_path(const char *dir, const char *name)
{
	size_t	 n = strlen(dir) + strlen(name) + 2;
	char	*p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s%s%s", dir, *dir != '\0' && *name != '\0' ? "/" : "",
	    name);
	return p;
}

/* A new, empty directory under $TMPDIR (or /tmp), mode 0700; caller
 * removes it with mg_test_rmrf() and frees the name. */
static inline char *
mg_test_tmpdir(void)
{
	const char	*base = getenv("TMPDIR");
	char		*tmpl;

	if (base == NULL || *base != '/')
		base = "/tmp";
	tmpl = mg_test_path(base, "mgtest.XXXXXX");
	if (mkdtemp(tmpl) == NULL)
		fail_msg("mkdtemp %s: %s", tmpl, strerror(errno));
	return tmpl;
}

/* Writes text to dir/name, creating the directories of name ("a/b.conf")
 * as needed.  Returns the file's path; caller frees. */
static inline char *
mg_test_write(const char *dir, const char *name, const char *text)
{
	char	*path = mg_test_path(dir, name);
	size_t	 len = strlen(text);
	FILE	*f;

	for (char *p = path + strlen(dir) + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("fopen %s: %s", path, strerror(errno));
	if (fwrite(text, 1, len, f) != len)
		fail_msg("write %s: %s", path, strerror(errno));
	if (fclose(f) != 0)
		fail_msg("close %s: %s", path, strerror(errno));
	return path;
}

/* Removes path and, for a directory, everything below it; symbolic links
 * are removed, never followed.  A missing path is not an error. */
static inline void
mg_test_rmrf(const char *path)
{
	struct stat	 st;
	DIR		*d;
	struct dirent	*e;

	if (path == NULL || lstat(path, &st) == -1)
		return;
	if (S_ISDIR(st.st_mode)) {
		/* A test may have left a directory without write access. */
		(void)chmod(path, 0700);
		if ((d = opendir(path)) == NULL)
			fail_msg("opendir %s: %s", path, strerror(errno));
		while ((e = readdir(d)) != NULL) {
			char	*sub;

			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			sub = mg_test_path(path, e->d_name);
			mg_test_rmrf(sub);
			free(sub);
		}
		closedir(d);
		if (rmdir(path) == -1)
			fail_msg("rmdir %s: %s", path, strerror(errno));
	} else if (unlink(path) == -1)
		fail_msg("unlink %s: %s", path, strerror(errno));
}

#endif
