/*
 * Opening and reading traces whatever their format: the registry of
 * formats (the one array below), format detection, sticky errors.
 *
 * Detection looks at up to DEC_PEEK decompressed bytes and asks every
 * format's probe how sure it is; the surest wins, a tie or nobody sure
 * enough is an error asking for --format. Callers: see trace.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "vmsim/error.h"
#include "workload/trace_internal.h"

static const struct trace_format_ops *const formats[] = {
    &trace_vmsim_format,
    &trace_lackey_format,
    &trace_champsim_format,
    NULL,
};

const struct trace_format_ops *trace_format_find(const char *name)
{
	for (size_t i = 0; formats[i]; i++)
		if (!strcmp(formats[i]->name, name))
			return formats[i];
	return NULL;
}

const struct trace_format_ops *const *trace_format_list(void)
{
	return formats;
}

const struct trace_format_ops *trace_format_of_source(enum trace_source source)
{
	for (size_t i = 0; formats[i] && source != TRACE_SRC_NATIVE; i++)
		if (formats[i]->source == source)
			return formats[i];
	return NULL;
}

char *trace_format_names(char *buf, size_t len, const char *last)
{
	size_t n = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; formats[i] && n < len; i++) {
		const char *sep = i == 0 ? "" : formats[i + 1] ? ", " : last;
		int k = snprintf(buf + n, len - n, "%s%s", sep, formats[i]->name);
		n = k < 0 ? len : n + (size_t)k;
	}
	return buf;
}

int trace_fail(const struct trace *t, struct trace_error *err, int rc, const char *fmt, ...)
{
	va_list ap;
	int k = snprintf(err->msg, sizeof(err->msg), "%s: ", t->info.name);

	if (k < 0 || (size_t)k >= sizeof(err->msg))
		k = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg + k, sizeof(err->msg) - (size_t)k, fmt, ap);
	va_end(ap);
	return rc;
}

int trace_fail_at(const struct trace *t, struct trace_error *err, int rc, uint64_t line, size_t col,
		  const char *fmt, ...)
{
	va_list ap;
	int k = snprintf(err->msg, sizeof(err->msg), "%s:%llu:%zu: ", t->info.name,
			 (unsigned long long)line, col);

	if (k < 0 || (size_t)k >= sizeof(err->msg))
		k = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg + k, sizeof(err->msg) - (size_t)k, fmt, ap);
	va_end(ap);
	return rc;
}

const char *trace_show_char(int c, char *tmp)
{
	if (c == '\n' || c < 0)
		return "the end of the line";
	if (c >= 0x21 && c < 0x7f)
		snprintf(tmp, 16, "'%c'", c);
	else if (c == ' ')
		return "a space";
	else if (c == '\t')
		return "a tab";
	else
		snprintf(tmp, 16, "byte 0x%02x", c & 0xff);
	return tmp;
}

const char *trace_offset_note(const struct trace *t)
{
	switch (dec_get_kind(t->dec)) {
	case DEC_GZIP:
		return " of the gzip-decompressed data";
	case DEC_ZSTD:
		return " of the zstd-decompressed data";
	case DEC_XZ:
		return " of the xz-decompressed data";
	default:
		return "";
	}
}

int trace_read_full(struct trace *t, unsigned char *buf, size_t cap, size_t *n,
		    struct trace_error *err)
{
	size_t got = 0;

	while (got < cap) {
		size_t k;
		int rc = dec_read(t->dec, buf + got, cap - got, &k, err);
		if (rc)
			return rc;
		if (k == 0)
			break;
		got += k;
	}
	*n = got;
	return 0;
}

/* Pick the format of the input from its first bytes. */
static int detect(struct trace *t, const struct trace_format_ops **ops, struct trace_error *err)
{
	const unsigned char *head;
	size_t n;
	int rc, best = 0, ties = 0;

	if ((rc = dec_peek(t->dec, &head, &n, err)))
		return rc;
	char names[TRACE_FORMAT_NAMES_MAX];
	if (n == 0)
		return trace_fail(t, err, VMSIM_EPARSE,
				  "empty input: no bytes to tell its format from "
				  "(--format lackey reads it as an empty trace)");
	for (size_t i = 0; formats[i]; i++) {
		int s = formats[i]->probe(head, n, n < DEC_PEEK);
		if (s > best) {
			best = s;
			ties = 0;
			*ops = formats[i];
		} else if (s == best && s > 0) {
			ties++;
		}
	}
	if (best == 0 || ties)
		return trace_fail(t, err, VMSIM_EPARSE,
				  "cannot tell the trace format from the first %zu bytes "
				  "(expected a %s trace); name it with --format",
				  n, trace_format_names(names, sizeof(names), " or "));
	return 0;
}

/* Wrap the open byte source @d (ours from now on) into *@out, with format
 * @ops or the detected one. On failure everything is freed. */
static int open_on(struct trace **out, struct dec *d, const struct trace_format_ops *ops,
		   struct trace_error *err)
{
	struct trace *t = calloc(1, sizeof(*t));
	int rc;

	if (!t) {
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", dec_name(d));
		dec_close(d);
		return VMSIM_ENOHOSTMEM;
	}
	t->dec = d;
	t->info.name = dec_name(d);
	t->info.compression = dec_kind_name(dec_get_kind(d));
	t->info.page_size = VMSIM_PAGE_SIZE;
	if (!ops && (rc = detect(t, &ops, err)))
		goto out_close;
	t->ops = ops;
	t->info.format = ops->name;
	if ((rc = ops->open(t, &t->state, err)))
		goto out_close;
	*out = t;
	return 0;

out_close:
	trace_close(t);
	return rc;
}

static int find_forced(const char *format, const struct trace_format_ops **ops,
		       struct trace_error *err)
{
	char names[TRACE_FORMAT_NAMES_MAX];
	*ops = NULL;
	if (format && !(*ops = trace_format_find(format))) {
		snprintf(err->msg, sizeof(err->msg), "unknown trace format '%s' (expected %s)",
			 format, trace_format_names(names, sizeof(names), " or "));
		return VMSIM_EINVAL;
	}
	return 0;
}

int trace_open_fd(struct trace **out, int fd, const char *name, bool close_fd, const char *format,
		  struct trace_error *err)
{
	const struct trace_format_ops *ops;
	struct dec *d;
	int rc;

	if ((rc = find_forced(format, &ops, err)) ||
	    (rc = dec_open_fd(&d, fd, name, close_fd, err)))
		return rc;
	return open_on(out, d, ops, err);
}

int trace_open(struct trace **out, const char *path, const char *format, struct trace_error *err)
{
	const struct trace_format_ops *ops;
	struct dec *d;
	int rc;

	if ((rc = find_forced(format, &ops, err)) || (rc = dec_open(&d, path, err)))
		return rc;
	return open_on(out, d, ops, err);
}

int trace_read(struct trace *t, struct trace_rec *recs, size_t cap, size_t *n,
	       struct trace_error *err)
{
	int rc;

	*n = 0;
	if (unlikely(t->error)) {
		*err = t->error_msg;
		return t->error;
	}
	if (t->eof)
		return 0;
	if (unlikely(cap < TRACE_MIN_BATCH))
		return trace_fail(t, err, VMSIM_EINVAL, "batch of %zu records is below %d", cap,
				  TRACE_MIN_BATCH);
	rc = t->ops->read(t, t->state, recs, cap, n, err);
	if (unlikely(rc)) {
		t->error = rc;
		t->error_msg = *err;
	} else if (*n == 0) {
		t->eof = true;
	}
	return rc;
}

const struct trace_info *trace_get_info(const struct trace *t)
{
	return &t->info;
}

bool trace_position(const struct trace *t, uint64_t *pos, uint64_t *size)
{
	return dec_position(t->dec, pos, size);
}

void trace_close(struct trace *t)
{
	if (!t)
		return;
	if (t->ops && t->state)
		t->ops->close(t->state);
	trace_files_free(t->files);
	dec_close(t->dec);
	free(t);
}
