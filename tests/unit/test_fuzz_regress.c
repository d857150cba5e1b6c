/*
 * Replays, in the normal build, every input of tests/fuzz/ through the
 * fuzz targets (tests/fuzz/targets.c):
 *
 *   tests/fuzz/regress/<target>/<symptom>   an input that once crashed a
 *                                           parser: it must now return an
 *                                           error (or 0 if its name ends
 *                                           in ".ok": a valid input)
 *   tests/fuzz/corpus/<target>/<name>       a seed: any result but a crash
 *
 * <target> is a name of targets.h without "fuzz_" (lackey, scenario, ...).
 * A crash, a sanitizer report or a broken contract (targets.c aborts)
 * fails the test with the file's name on stderr; so do an empty regress/
 * folder, an empty target folder and a file outside the target folders
 * (none of them would replay anything).
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/targets.c"

#ifndef VMSIM_FUZZ_DIR
#error "tests/CMakeLists.txt defines VMSIM_FUZZ_DIR"
#endif

static uint8_t *slurp(const char *path, size_t *size /* out */)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		fail_msg("cannot open %s", path);
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*size = n;
	return buf;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Feed every file of @root/<target>/ to its target; with @want_error, each
 * must be rejected unless its name ends in ".ok". Returns the file count. */
static unsigned replay_tree(const char *root, int want_error)
{
	char tdir[2048], path[2048 + 1 + 256]; /* directory + '/' + d_name */
	struct dirent *te, *fe;
	DIR *top, *d;
	unsigned files = 0, in_dir;

	top = opendir(root);
	if (!top)
		return 0;
	while ((te = readdir(top)) != NULL) {
		fuzz_target_fn fn;

		if (te->d_name[0] == '.')
			continue;
		snprintf(tdir, sizeof(tdir), "%s/%s", root, te->d_name);
		d = opendir(tdir);
		if (!d) {
			/* only the README may sit beside the targets' folders: any
			 * other file would never be replayed */
			if (strcmp(te->d_name, "README.md") != 0)
				fail_msg("%s: not a target's folder, so never replayed", tdir);
			continue;
		}
		fn = fuzz_target_find(te->d_name);
		if (!fn)
			fail_msg("%s: no fuzz target of that name", tdir);
		in_dir = 0;
		while ((fe = readdir(d)) != NULL) {
			uint8_t *data;
			size_t size;
			int rc;

			if (fe->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", tdir, fe->d_name);
			fprintf(stderr, "replay %s\n", path);
			data = slurp(path, &size);
			rc = fn(data, size);
			free(data);
			if (rc > 0)
				fail_msg("%s: returned %d", path, rc);
			if (want_error && !ends_with(fe->d_name, ".ok") && rc == 0)
				fail_msg("%s: accepted; rename it to *.ok if it is valid", path);
			files++;
			in_dir++;
		}
		closedir(d);
		if (in_dir == 0)
			fail_msg("%s: an empty folder (remove it, or keep an input in it)", tdir);
	}
	closedir(top);
	return files;
}

static void fuzz_regress_inputs_return_an_error_not_a_signal(void **state)
{
	(void)state;
	unsigned n = replay_tree(VMSIM_FUZZ_DIR "/regress", 1);
	/* a folder emptied by mistake must not pass as "nothing failed" */
	if (n == 0)
		fail_msg("%s/regress holds no input", VMSIM_FUZZ_DIR);
	print_message("%u saved inputs replayed, each rejected with an error\n", n);
}

static void fuzz_corpus_inputs_parse_without_crashing(void **state)
{
	(void)state;
	assert_true(replay_tree(VMSIM_FUZZ_DIR "/corpus", 0) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fuzz_regress_inputs_return_an_error_not_a_signal),
	    cmocka_unit_test(fuzz_corpus_inputs_parse_without_crashing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
