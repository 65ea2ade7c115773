/*
 * replay.c - main() for a fuzz target without libFuzzer: runs
 * LLVMFuzzerTestOneInput() once on each file named (a directory: on each
 * file in it).  Exit 0 when all ran; a failed invariant aborts.
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "matchguard/util.h"

static int
replay_file(const char *path)
{
	char	*data, err[MG_ERRLEN];
	size_t	 len;

	if (mg_read_file(path, 64u << 20, &data, &len, err, sizeof(err)) == -1) {
		fprintf(stderr, "replay: %s\n", err);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	return 0;
}

static int
replay(const char *path, int *n)
{
	struct stat	 st;
	DIR		*d;
	struct dirent	*de;
	int		 rc = 0;

	if (stat(path, &st) == -1) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*n)++;
		return replay_file(path);
	}
	if ((d = opendir(path)) == NULL) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char	sub[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (replay(sub, n) == -1)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int
main(int argc, char **argv)
{
	int	rc = 0, n = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		if (replay(argv[i], &n) == -1)
			rc = 1;
	printf("replayed %d input(s)\n", n);
	return rc;
}
