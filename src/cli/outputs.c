/*
 * Output files opened before the run (see outputs.h).
 */
#define _GNU_SOURCE /* fopencookie */
#include "outputs.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "report/plot.h"

static bool is_stdout(const char *path)
{
	return path && !strcmp(path, "-");
}

/* Open @path for writing; *@made: it did not exist before. NULL and errno
 * set on failure. */
static FILE *open_output(const char *path, bool *made)
{
	struct stat sb;

	if (is_stdout(path)) {
		*made = false;
		return stdout;
	}
	*made = stat(path, &sb) != 0;
	if (!*made && S_ISDIR(sb.st_mode)) {
		errno = EISDIR;
		return NULL;
	}
	return fopen(path, "w");
}

/* The directory @dir's parent ("." for a bare name) into @buf. */
static void parent_of(const char *dir, char *buf, size_t len)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/') /* "out/" is "out" */
		n--;
	while (n > 0 && dir[n - 1] != '/')
		n--;
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 0)
		snprintf(buf, len, ".");
	else
		snprintf(buf, len, "%.*s", (int)n, dir);
}

/* Check that @dir is, or can become, a writable directory; create it when
 * @create. 0, or -1 with errno set. */
static int check_dir(const char *dir, bool create, bool *made)
{
	struct stat sb;
	char parent[PATH_MAX];

	*made = false;
	if (stat(dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
		return access(dir, W_OK | X_OK);
	}
	if (errno != ENOENT)
		return -1;
	if (create) {
		if (mkdir(dir, 0777) != 0)
			return -1;
		*made = true;
		return 0;
	}
	parent_of(dir, parent, sizeof(parent));
	if (stat(parent, &sb) != 0)
		return -1;
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return access(parent, W_OK | X_OK);
}

int cli_outputs_open(struct cli_outputs *o, const char *cmd, const char *json, const char *csv,
		     const char *plot)
{
	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	o->json_path = json;
	o->csv_path = csv;
	o->plot_dir = plot;
	if (is_stdout(json) && is_stdout(csv)) {
		cli_error(cmd, "--json - and --csv -: only one of them can be standard output");
		return CLI_EXIT_USAGE;
	}
	if (plot) {
		o->plot_missing = !plot_available(o->plot_why, sizeof(o->plot_why));
		if (check_dir(plot, !o->plot_missing, &o->plot_dir_made)) {
			cli_error(cmd, "--plot %s: %s", plot, strerror(errno));
			return CLI_EXIT_FAILURE;
		}
	}
	if (json && !(o->json = open_output(json, &o->json_made))) {
		cli_error(cmd, "--json %s: %s", json, strerror(errno));
		cli_outputs_abandon(o);
		return CLI_EXIT_FAILURE;
	}
	if (csv && !(o->csv = open_output(csv, &o->csv_made))) {
		cli_error(cmd, "--csv %s: %s", csv, strerror(errno));
		cli_outputs_abandon(o);
		return CLI_EXIT_FAILURE;
	}
	return 0;
}

bool cli_outputs_stdout_is_data(const struct cli_outputs *o)
{
	return is_stdout(o->json_path) || is_stdout(o->csv_path);
}

FILE *cli_outputs_text(const struct cli_outputs *o)
{
	return cli_outputs_stdout_is_data(o) ? stderr : stdout;
}

int cli_output_close(struct cli_outputs *o, FILE **f, const char *opt, const char *path,
		     int write_rc)
{
	int err = 0;

	if (!*f)
		return 0;
	if (write_rc || ferror(*f))
		err = errno ? errno : EIO;
	if (*f == stdout) {
		if (fflush(stdout) != 0 && !err)
			err = errno;
	} else if (fclose(*f) != 0 && !err) {
		err = errno;
	}
	*f = NULL;
	if (!err)
		return 0;
	cli_error(o->cmd, "%s %s: %s", opt, path, strerror(err));
	return CLI_EXIT_FAILURE;
}

static void drop(FILE **f, const char *path, bool made)
{
	if (!*f)
		return;
	if (*f == stdout) {
		fflush(stdout);
	} else {
		fclose(*f);
		if (made)
			remove(path);
	}
	*f = NULL;
}

void cli_outputs_abandon(struct cli_outputs *o)
{
	drop(&o->json, o->json_path, o->json_made);
	drop(&o->csv, o->csv_path, o->csv_made);
	if (o->plot_dir_made)
		rmdir(o->plot_dir); /* only if still empty */
	o->plot_dir_made = false;
}

static volatile sig_atomic_t interrupted; /* the signal number, or 0 */

static void on_interrupt(int sig)
{
	interrupted = sig;
}

const volatile sig_atomic_t *cli_catch_interrupts(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sa.sa_flags = SA_RESETHAND; /* the second one kills */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return &interrupted;
}

int cli_interrupted(void)
{
	return interrupted;
}

int cli_outputs_plot_missing(const struct cli_outputs *o)
{
	if (!o->plot_dir || !o->plot_missing)
		return 0;
	cli_error(o->cmd, "--plot %s: %s", o->plot_dir, o->plot_why);
	return CLI_EXIT_FAILURE;
}

void cli_progress_init(struct progress *p, bool quiet, const char *unit, uint64_t total)
{
	const char *off = getenv("VMSIM_NO_PROGRESS"), *delay = getenv("VMSIM_PROGRESS_DELAY");
	struct progress_opts po = {.mode = quiet || (off && *off) ? PROGRESS_NEVER : PROGRESS_AUTO,
				   .unit = unit,
				   .total = total};
	char *end;

	if (delay && *delay) {
		double d = strtod(delay, &end);
		if (*end == '\0' && d >= 0 && d < 1e6)
			po.delay = d > 0 ? d : -1; /* progress_opts: < 0 is no delay */
	}
	progress_init(p, &po);
}

struct guard {
	struct progress *p;
	FILE *real;
};

static ssize_t guard_write(void *cookie, const char *buf, size_t size)
{
	struct guard *g = cookie;

	progress_clear(g->p);
	if (fwrite(buf, 1, size, g->real) != size)
		return -1;
	fflush(g->real);
	return (ssize_t)size;
}

static int guard_close(void *cookie)
{
	free(cookie);
	return 0;
}

FILE *cli_progress_guard(struct progress *p, FILE *real)
{
	static const cookie_io_functions_t io = {.write = guard_write, .close = guard_close};
	struct guard *g = malloc(sizeof(*g));
	FILE *f;

	if (!g)
		return NULL;
	*g = (struct guard){p, real};
	f = fopencookie(g, "w", io);
	if (!f) {
		free(g);
		return NULL;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}
