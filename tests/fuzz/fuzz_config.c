/*
 * fuzz_config.c - the configuration loader (config.c, config_serve.c,
 * config_imap.c) on arbitrary bytes as the configuration file.
 *
 * The input is written to FILE in a private temporary directory, with
 * HOME and the XDG directories pointing into it, and loaded with
 * mg_config_load().  The loader must write nothing (the directory holds
 * FILE alone afterwards), and an error must be one line.  Inputs with
 * "@include" are skipped: an include may name any file (/dev/zero, a
 * FIFO), which is the user's own business, not the loader's.
 */
#include "config_auto.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "matchguard/config.h"

static char	dir[4096];
static char	path[4200];

static void
cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/mgfuzz-config.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/fuzz.conf", dir);
	setenv("HOME", dir, 1);
	setenv("XDG_CONFIG_HOME", dir, 1);
	setenv("XDG_STATE_HOME", dir, 1);
	atexit(cleanup);
	return 0;
}

static int
entries(void)
{
	DIR		*d = opendir(dir);
	struct dirent	*de;
	int		 n = 0;

	FUZZ_ASSERT(d != NULL);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_config	cfg;
	char			err[MG_ERRLEN];
	int			fd;

	if (size > (1u << 20) || memmem(data, size, "@include", 8) != NULL)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_ASSERT(fd != -1);
	FUZZ_ASSERT(size == 0 || write(fd, data, size) == (ssize_t)size);
	close(fd);
	err[0] = '\0';
	if (mg_config_load(path, &cfg, err, sizeof(err)) == 0)
		mg_config_clear(&cfg);
	else
		FUZZ_ASSERT(err[0] != '\0' && strchr(err, '\n') == NULL);
	FUZZ_ASSERT(entries() == 1);
	return 0;
}
