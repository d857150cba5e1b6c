/*
 * The JSON writer and the report document, checked by parsing the output
 * back with a small strict parser written here (RFC 8259: no trailing
 * commas, no raw control characters or invalid UTF-8 in strings, numbers
 * in JSON's grammar only), so a document that some real parser would
 * reject fails these tests too.
 */
#include "testutil.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/procfs.h"
#include "report/report_json.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"

/* ---- a strict JSON parser ------------------------------------------------ */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype t;
	bool b;		    /* J_BOOL */
	char *text;	    /* J_NUM: as written; J_STR: decoded (UTF-8) */
	size_t len;	    /* J_STR: bytes; J_ARR/J_OBJ: members */
	struct jval **item; /* J_ARR/J_OBJ: values */
	char **key;	    /* J_OBJ: keys */
};

struct jparser {
	const char *s;
	size_t pos;
	const char *err; /* first error */
};

static void jfree(struct jval *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->len && (v->t == J_ARR || v->t == J_OBJ); i++) {
		jfree(v->item[i]);
		if (v->key)
			free(v->key[i]);
	}
	free(v->item);
	free(v->key);
	free(v->text);
	free(v);
}

static void ws(struct jparser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
	       p->s[p->pos] == '\r')
		p->pos++;
}

static struct jval *jerr(struct jparser *p, const char *what)
{
	if (!p->err)
		p->err = what;
	return NULL;
}

static struct jval *parse_value(struct jparser *p, int depth);

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Length of a valid UTF-8 sequence at @s, 0 if invalid. */
static size_t valid_utf8(const unsigned char *s)
{
	unsigned c = s[0], cp, n, min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0xf, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 7, min = 0x10000;
	else
		return 0;
	for (unsigned i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A string at p->pos (on its opening quote): decoded into *out. */
static int parse_string(struct jparser *p, char **out, size_t *outlen)
{
	const char *s = p->s;
	size_t i = p->pos + 1, n = 0;
	char *buf = malloc(strlen(s + i) * 4 + 1);

	for (;;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"')
			break;
		if (c == '\0' || c < 0x20) {
			free(buf);
			p->err = "raw control character or end of input in a string";
			return -1;
		}
		if (c == '\\') {
			unsigned cp, lo;
			i++;
			switch (s[i]) {
			case '"':
			case '\\':
			case '/':
				buf[n++] = s[i++];
				continue;
			case 'b':
				buf[n++] = '\b';
				i++;
				continue;
			case 'f':
				buf[n++] = '\f';
				i++;
				continue;
			case 'n':
				buf[n++] = '\n';
				i++;
				continue;
			case 'r':
				buf[n++] = '\r';
				i++;
				continue;
			case 't':
				buf[n++] = '\t';
				i++;
				continue;
			case 'u':
				if (hex4(s + i + 1, &cp)) {
					free(buf);
					p->err = "bad \\u escape";
					return -1;
				}
				i += 5;
				if (cp >= 0xd800 && cp <= 0xdbff && s[i] == '\\' &&
				    s[i + 1] == 'u' && hex4(s + i + 2, &lo) == 0 && lo >= 0xdc00 &&
				    lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 6;
				}
				n += put_utf8(buf + n, cp);
				continue;
			default:
				free(buf);
				p->err = "unknown escape";
				return -1;
			}
		}
		size_t len = valid_utf8((const unsigned char *)s + i);
		if (!len) {
			free(buf);
			p->err = "invalid UTF-8 in a string";
			return -1;
		}
		memcpy(buf + n, s + i, len);
		n += len;
		i += len;
	}
	buf[n] = '\0';
	p->pos = i + 1;
	*out = buf;
	*outlen = n;
	return 0;
}

static struct jval *new_val(enum jtype t)
{
	struct jval *v = calloc(1, sizeof(*v));
	v->t = t;
	return v;
}

static void push(struct jval *v, char *key, struct jval *item)
{
	v->item = realloc(v->item, (v->len + 1) * sizeof(*v->item));
	if (v->t == J_OBJ) {
		v->key = realloc(v->key, (v->len + 1) * sizeof(*v->key));
		v->key[v->len] = key;
	}
	v->item[v->len++] = item;
}

static struct jval *parse_container(struct jparser *p, int depth, bool obj)
{
	struct jval *v = new_val(obj ? J_OBJ : J_ARR);
	char close = obj ? '}' : ']';

	p->pos++;
	ws(p);
	if (p->s[p->pos] == close) {
		p->pos++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		size_t klen;
		struct jval *item;
		ws(p);
		if (obj) {
			if (p->s[p->pos] != '"' || parse_string(p, &key, &klen)) {
				jfree(v);
				return jerr(p, "expected a key");
			}
			ws(p);
			if (p->s[p->pos] != ':') {
				free(key);
				jfree(v);
				return jerr(p, "expected ':'");
			}
			p->pos++;
		}
		item = parse_value(p, depth + 1);
		if (!item) {
			free(key);
			jfree(v);
			return NULL;
		}
		push(v, key, item);
		ws(p);
		if (p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->s[p->pos] == close) {
			p->pos++;
			return v;
		}
		jfree(v);
		return jerr(p, "expected ',' or the end of a container");
	}
}

static struct jval *parse_number(struct jparser *p)
{
	const char *s = p->s + p->pos;
	size_t i = 0;
	struct jval *v;

	if (s[i] == '-')
		i++;
	if (s[i] == '0')
		i++;
	else if (s[i] >= '1' && s[i] <= '9')
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return jerr(p, "bad number");
	if (s[i] == '.') {
		i++;
		if (s[i] < '0' || s[i] > '9')
			return jerr(p, "bad fraction");
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (s[i] == 'e' || s[i] == 'E') {
		i++;
		if (s[i] == '+' || s[i] == '-')
			i++;
		if (s[i] < '0' || s[i] > '9')
			return jerr(p, "bad exponent");
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	}
	v = new_val(J_NUM);
	v->text = strndup(s, i);
	p->pos += i;
	return v;
}

static struct jval *parse_value(struct jparser *p, int depth)
{
	const char *s;
	struct jval *v;

	if (depth > 64)
		return jerr(p, "too deep");
	ws(p);
	s = p->s + p->pos;
	switch (*s) {
	case '{':
		return parse_container(p, depth, true);
	case '[':
		return parse_container(p, depth, false);
	case '"':
		v = new_val(J_STR);
		if (parse_string(p, &v->text, &v->len)) {
			free(v);
			return NULL;
		}
		return v;
	case 't':
	case 'f':
	case 'n':
		if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4)) {
			v = new_val(*s == 't' ? J_BOOL : J_NULL);
			v->b = *s == 't';
			p->pos += 4;
			return v;
		}
		if (!strncmp(s, "false", 5)) {
			v = new_val(J_BOOL);
			p->pos += 5;
			return v;
		}
		return jerr(p, "bad literal");
	default:
		return parse_number(p);
	}
}

/* Parse the whole of @text; fails the test with the position on error. */
static struct jval *jparse(const char *text)
{
	struct jparser p = {text, 0, NULL};
	struct jval *v = parse_value(&p, 0);
	ws(&p);
	if (!v || p.s[p.pos] != '\0') {
		jfree(v);
		fail_msg("not JSON at byte %zu: %s (near \"%.40s\")", p.pos,
			 p.err ? p.err : "trailing text", text + p.pos);
	}
	return v;
}

/* Would jparse accept @text? */
static bool jvalid(const char *text)
{
	struct jparser p = {text, 0, NULL};
	struct jval *v = parse_value(&p, 0);
	bool ok;
	ws(&p);
	ok = v && p.s[p.pos] == '\0';
	jfree(v);
	return ok;
}

/* The value at @path: keys and array indexes separated by dots
 * ("system.mmu.tlb.1.misses"), or NULL. */
static const struct jval *jget(const struct jval *v, const char *path)
{
	char part[128];

	while (v && *path) {
		size_t n = strcspn(path, ".");
		snprintf(part, sizeof(part), "%.*s", (int)n, path);
		path += n + (path[n] == '.');
		if (v->t == J_OBJ) {
			const struct jval *next = NULL;
			for (size_t i = 0; i < v->len; i++)
				if (!strcmp(v->key[i], part))
					next = v->item[i];
			v = next;
		} else if (v->t == J_ARR) {
			size_t i = strtoul(part, NULL, 10);
			v = i < v->len ? v->item[i] : NULL;
		} else {
			v = NULL;
		}
	}
	return v;
}

static uint64_t jnum(const struct jval *root, const char *path)
{
	const struct jval *v = jget(root, path);
	if (!v || v->t != J_NUM)
		fail_msg("%s: no number there", path);
	return strtoull(v->text, NULL, 10);
}

static const char *jstr(const struct jval *root, const char *path)
{
	const struct jval *v = jget(root, path);
	if (!v || v->t != J_STR)
		fail_msg("%s: no string there", path);
	return v->text;
}

/* ---- the parser itself must reject what is not JSON ---------------------- */

static void test_parser_rejects_malformed_documents(void **state)
{
	(void)state;
	assert_true(jvalid("{\"a\": [1, 2.5e3, -0, true, null, \"x\\u00e9\"]}"));
	assert_false(jvalid("{\"a\": 1,}"));
	assert_false(jvalid("[1 2]"));
	assert_false(jvalid("\"tab\there\""));
	assert_false(jvalid("01"));
	assert_false(jvalid("\"\xff\""));
	assert_false(jvalid("NaN"));
	assert_false(jvalid("{} {}"));
}

/* ---- the writer ---------------------------------------------------------- */

static void json_escapes_quotes_backslashes_and_control_characters(void **state)
{
	static const char nasty[] = "q\"b\\s/ n\n t\t r\r b\b f\f nul-less \x01\x1f end";
	struct capture c;
	struct json_writer w;
	struct jval *v;
	(void)state;

	(void)capture_start(&c);
	json_init(&w, c.f, 0);
	json_object_begin(&w);
	json_kv_str(&w, "k\"ey", nasty);
	json_key(&w, "nul");
	json_strn(&w, "a\0b", 3);
	json_object_end(&w);
	assert_int_equal(json_finish(&w), 0);
	capture_end(&c);

	assert_non_null(strstr(c.text, "\\u0001"));
	assert_non_null(strstr(c.text, "\\u001f"));
	assert_non_null(strstr(c.text, "\\n"));
	assert_null(strchr(c.text, '\t')); /* compact output has no raw tab */
	v = jparse(c.text);
	assert_string_equal(jstr(v, "k\"ey"), nasty);
	assert_int_equal(jget(v, "nul")->len, 3);
	assert_memory_equal(jget(v, "nul")->text, "a\0b", 3);
	jfree(v);
	free(c.text);
}

static void json_keeps_valid_utf8_and_replaces_invalid_bytes(void **state)
{
	/* é (2 bytes), € (3), 😀 (4), then a lone continuation byte, an overlong
	 * '/', a UTF-16 surrogate encoded in UTF-8, and a truncated sequence */
	static const char in[] =
	    "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x80 \xc0\xaf \xed\xa0\x80 \xe2\x82";
	struct capture c;
	struct json_writer w;
	struct jval *v;
	(void)state;

	(void)capture_start(&c);
	json_init(&w, c.f, 2);
	json_array_begin(&w);
	json_str(&w, in);
	json_array_end(&w);
	assert_int_equal(json_finish(&w), 0);
	capture_end(&c);

	v = jparse(c.text);
	/* every stray byte became U+FFFD (EF BF BD) */
	assert_string_equal(jstr(v, "0"),
			    "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbd "
			    "\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
			    "\xef\xbf\xbd\xef\xbf\xbd");
	jfree(v);
	free(c.text);
}

static void json_numbers_are_exact_and_nan_is_null(void **state)
{
	struct capture c;
	struct json_writer w;
	struct jval *v;
	(void)state;

	(void)capture_start(&c);
	json_init(&w, c.f, 2);
	json_object_begin(&w);
	json_kv_u64(&w, "max", UINT64_MAX);
	json_kv_i64(&w, "min", INT64_MIN);
	json_kv_double(&w, "third", 1.0 / 3.0);
	json_kv_double(&w, "nan", NAN);
	json_kv_double(&w, "inf", INFINITY);
	json_kv_hex(&w, "vsyscall", 0xffffffffff600000ULL);
	json_kv_bool(&w, "yes", true);
	json_key(&w, "none");
	json_str(&w, NULL);
	json_object_end(&w);
	assert_int_equal(json_finish(&w), 0);
	capture_end(&c);

	v = jparse(c.text);
	assert_string_equal(jget(v, "max")->text, "18446744073709551615");
	assert_string_equal(jget(v, "min")->text, "-9223372036854775808");
	assert_true(fabs(strtod(jget(v, "third")->text, NULL) - 1.0 / 3.0) < 1e-14);
	assert_int_equal(jget(v, "nan")->t, J_NULL);
	assert_int_equal(jget(v, "inf")->t, J_NULL);
	assert_string_equal(jstr(v, "vsyscall"), "0xffffffffff600000");
	assert_true(jget(v, "yes")->b);
	assert_int_equal(jget(v, "none")->t, J_NULL);
	jfree(v);
	free(c.text);
}

static void json_indented_and_compact_output_parse_alike(void **state)
{
	struct capture c[2];
	(void)state;

	for (int i = 0; i < 2; i++) {
		struct json_writer w;
		(void)capture_start(&c[i]);
		json_init(&w, c[i].f, i ? 4 : 0);
		json_object_begin(&w);
		json_key(&w, "empty_obj");
		json_object_begin(&w);
		json_object_end(&w);
		json_key(&w, "empty_arr");
		json_array_begin(&w);
		json_array_end(&w);
		json_key(&w, "nested");
		json_array_begin(&w);
		json_array_begin(&w);
		json_u64(&w, 1);
		json_array_end(&w);
		json_object_begin(&w);
		json_kv_u64(&w, "x", 2);
		json_object_end(&w);
		json_array_end(&w);
		json_object_end(&w);
		assert_int_equal(json_finish(&w), 0);
		capture_end(&c[i]);
	}
	assert_string_equal(c[0].text,
			    "{\"empty_obj\":{},\"empty_arr\":[],\"nested\":[[1],{\"x\":2}]}\n");
	assert_non_null(strstr(c[1].text, "\n    \"nested\": [\n        [\n            1\n"));
	for (int i = 0; i < 2; i++) {
		struct jval *v = jparse(c[i].text);
		assert_int_equal(jnum(v, "nested.1.x"), 2);
		jfree(v);
		free(c[i].text);
	}
}

static void json_finish_reports_misuse(void **state)
{
	struct capture c;
	struct json_writer w;
	(void)state;

	/* a value inside an object without its key */
	(void)capture_start(&c);
	json_init(&w, c.f, 0);
	json_object_begin(&w);
	json_u64(&w, 1);
	json_object_end(&w);
	assert_int_equal(json_finish(&w), VMSIM_EINVAL);
	free(capture_end(&c));

	/* a key in an array, then an unclosed container */
	(void)capture_start(&c);
	json_init(&w, c.f, 0);
	json_array_begin(&w);
	json_key(&w, "k");
	assert_int_equal(json_finish(&w), VMSIM_EINVAL);
	free(capture_end(&c));

	/* closing what is not open */
	(void)capture_start(&c);
	json_init(&w, c.f, 0);
	json_array_begin(&w);
	json_object_end(&w);
	assert_int_equal(json_finish(&w), VMSIM_EINVAL);
	free(capture_end(&c));

	/* nothing at all */
	(void)capture_start(&c);
	json_init(&w, c.f, 0);
	assert_int_equal(json_finish(&w), VMSIM_EINVAL);
	free(capture_end(&c));
}

/* ---- the report document ------------------------------------------------- */

#define PRIV_ANON (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define RW	  (VMSIM_PROT_READ | VMSIM_PROT_WRITE)

/* Two processes: the parent writes 16 pages and reads 4 more of a 32-page
 * mapping, forks, the child writes 3 pages (copy-on-write) and touches an
 * unmapped address (SIGSEGV, which ends it). */
static struct vmsim_system *small_run(int *parent, int *child)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_access_result r;
	vaddr_t a;

	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64ULL << 20;
	cfg.swap_bytes = 0;
	cfg.seed = 42;
	assert_ok(vmsim_system_new(&cfg, &sys));
	assert_ok(vmsim_process_create(sys, parent));
	assert_ok(vmsim_mmap(sys, *parent, 0, 32 * 4096, RW, PRIV_ANON, -1, 0, &a));
	for (int i = 0; i < 16; i++)
		assert_ok(vmsim_access(sys, *parent, a + (vaddr_t)i * 4096, 8, VMSIM_WRITE, &r));
	for (int i = 16; i < 20; i++)
		assert_ok(vmsim_access(sys, *parent, a + (vaddr_t)i * 4096, 8, VMSIM_READ, &r));
	assert_ok(vmsim_fork(sys, *parent, child));
	for (int i = 0; i < 3; i++)
		assert_ok(vmsim_access(sys, *child, a + (vaddr_t)i * 4096, 8, VMSIM_WRITE, &r));
	assert_ok(vmsim_access(sys, *child, 0x1000, 8, VMSIM_READ, &r));
	assert_true(r.segv);
	return sys;
}

static void report_parses_back_with_the_counters_of_the_run(void **state)
{
	struct run_proc procs[1] = {{.name = "P"}};
	const struct run_names names = {procs, 1};
	struct report_json_opts opts = {.indent = 2,
					.smaps = true,
					.generator = "test",
					.workload = "small \"run\"",
					.names = &names};
	struct vmsim_sys_stats st;
	struct vmsim_proc_stats ps;
	struct capture c;
	struct jval *v;
	int parent, child;
	char key[64];
	struct vmsim_system *sys = small_run(&parent, &child);
	(void)state;

	procs[0].pid = parent;
	(void)capture_start(&c);
	assert_ok(report_json_write(c.f, sys, &opts));
	capture_end(&c);
	v = jparse(c.text);

	assert_string_equal(jstr(v, "schema"), "vmsim-report");
	assert_int_equal(jnum(v, "version"), 1);
	assert_string_equal(jstr(v, "source"), "simulation");
	assert_string_equal(jstr(v, "generator"), "test");
	assert_string_equal(jstr(v, "workload"), "small \"run\"");
	assert_int_equal(jnum(v, "config.ram_bytes"), 64ULL << 20);
	assert_int_equal(jnum(v, "config.seed"), 42);
	assert_string_equal(jstr(v, "config.mmu.cpu"), "skylake");
	assert_int_equal(jnum(v, "config.mmu.levels"), 4);
	assert_string_equal(jstr(v, "config.mmu.tlb.2.level"), "L2");

	assert_ok(vmsim_sys_stats(sys, &st));
	assert_int_equal(jnum(v, "system.frames.total"), st.frames_total);
	assert_int_equal(jnum(v, "system.frames.free"), st.frames_free);
	assert_int_equal(jnum(v, "system.frames.user"), st.frames_user);
	assert_int_equal(jnum(v, "system.faults.minor"), st.faults_minor);
	assert_int_equal(jnum(v, "system.faults.invalid"), 1);
	assert_int_equal(jnum(v, "system.mmu.translations"), st.mmu.translations);
	assert_int_equal(jnum(v, "system.mmu.tlb.1.misses"), st.mmu.tlb[VMSIM_TLB_L1D].misses);
	assert_int_equal(jnum(v, "system.mmu.tlb.1.lookups"), st.mmu.tlb[VMSIM_TLB_L1D].lookups);
	assert_int_equal(jnum(v, "system.mmu.tlb.1.hits_by_size.4K"),
			 st.mmu.tlb[VMSIM_TLB_L1D].hits[VMSIM_PAGE_4K]);
	assert_int_equal(jnum(v, "system.mmu.walk.walks"), st.mmu.walk.walks);
	assert_int_equal(jnum(v, "system.mmu.walk.pwc.0.level"), 2);
	assert_int_equal(jnum(v, "system.time.cycles"), st.cycles);
	assert_non_null(jget(v, "system.time.cpu_utilisation"));

	/* both processes, in pid order, with the counters of vmsim_proc_stats */
	assert_int_equal(jget(v, "processes")->len, 2);
	for (int i = 0; i < 2; i++) {
		int pid = i ? child : parent;
		assert_ok(vmsim_proc_stats(sys, pid, &ps));
		snprintf(key, sizeof(key), "processes.%d.pid", i);
		assert_int_equal(jnum(v, key), pid);
		snprintf(key, sizeof(key), "processes.%d.rss", i);
		assert_int_equal(jnum(v, key), ps.rss);
		snprintf(key, sizeof(key), "processes.%d.pss", i);
		assert_int_equal(jnum(v, key), ps.pss);
		snprintf(key, sizeof(key), "processes.%d.faults_minor", i);
		assert_int_equal(jnum(v, key), ps.faults_minor);
		snprintf(key, sizeof(key), "processes.%d.cow_copies", i);
		assert_int_equal(jnum(v, key), ps.cow_copies);
	}
	/* the workload's name of the parent; none for the child: null */
	assert_string_equal(jstr(v, "processes.0.name"), "P");
	assert_int_equal(jget(v, "processes.1.name")->t, J_NULL);
	/* the parent: 16 written pages resident, 4 zero-page reads not */
	assert_int_equal(jnum(v, "processes.0.rss"), 16 * 4096);
	assert_int_equal(jnum(v, "processes.0.zero_maps"), 4);
	assert_int_equal(jnum(v, "processes.0.nr_vmas"), jget(v, "processes.0.smaps")->len);
	assert_int_equal(jget(v, "processes.0.smaps")->len, 1);
	assert_string_equal(jstr(v, "processes.0.smaps.0.perms"), "rw-p");
	assert_int_equal(jnum(v, "processes.0.smaps.0.size"), 32 * 4096);
	assert_int_equal(jnum(v, "processes.0.smaps.0.rss"), 16 * 4096);
	assert_true(strncmp(jstr(v, "processes.0.smaps.0.start"), "0x", 2) == 0);
	/* the child ended with SIGSEGV: recorded, no smaps */
	assert_false(jget(v, "processes.1.alive")->b);
	assert_int_equal(jnum(v, "processes.1.cow_copies"), 3);
	assert_int_equal(jget(v, "processes.1.smaps")->len, 0);
	assert_int_equal(jget(v, "segv_records")->len, 1);
	assert_string_equal(jstr(v, "segv_records.0.addr"), "0x1000");
	assert_string_equal(jstr(v, "segv_records.0.reason"), "maperr");
	assert_int_equal(jnum(v, "segv_records.0.pid"), child);

	jfree(v);
	free(c.text);
	vmsim_system_free(sys);
}

static void report_without_smaps_and_compact_is_one_line(void **state)
{
	struct report_json_opts opts = {.indent = 0, .smaps = false};
	struct capture c;
	struct jval *v;
	int parent, child;
	struct vmsim_system *sys = small_run(&parent, &child);
	(void)state;

	(void)capture_start(&c);
	assert_ok(report_json_write(c.f, sys, &opts));
	capture_end(&c);
	assert_int_equal(strchr(c.text, '\n') - c.text, (long)strlen(c.text) - 1);
	v = jparse(c.text);
	assert_null(jget(v, "processes.0.smaps"));
	assert_int_equal(jget(v, "processes.0.name")->t, J_NULL); /* no names given */
	assert_null(jget(v, "workload"));
	assert_string_equal(jstr(v, "generator"), "libvmsim");
	jfree(v);
	free(c.text);
	vmsim_system_free(sys);
}

static void report_write_path_fails_on_a_missing_directory(void **state)
{
	int parent, child;
	struct vmsim_system *sys = small_run(&parent, &child);
	(void)state;
	assert_int_equal(report_json_write_path("/nonexistent-dir/x.json", sys, NULL), VMSIM_EIO);
	vmsim_system_free(sys);
}

/* A real process's object has the same common members as a simulated one. */
static void linux_process_object_shares_the_common_members(void **state)
{
	static const char *const common[] = {
	    "pid",	    "alive",	    "vm_size",	 "rss",	    "rss_anon",	 "rss_file",
	    "rss_shmem",    "pss",	    "uss",	 "swap",    "pte_bytes", "nr_vmas",
	    "faults_minor", "faults_major", "anon_huge", "hugetlb", "name",
	};
	const struct run_proc named = {.name = "P", .pid = 1};
	const struct run_names names = {&named, 1};
	struct procfs_proc p;
	struct procfs_maps maps = {0};
	struct procfs_share share = {0};
	struct capture c[2];
	struct json_writer w;
	struct jval *sim, *real;
	int parent, child;
	struct vmsim_system *sys = small_run(&parent, &child);
	(void)state;

	memset(&p, 0, sizeof(p));
	p.st.pid = 4242;
	p.st.alive = true;
	p.st.rss = 8192;
	strcpy(p.name, "x\"y");
	p.state = 'S';
	p.have_rollup = true;
	assert_ok(procfs_parse_smaps("00400000-00401000 r-xp 00000000 08:01 42 /bin/x\nRss: 4 kB\n",
				     &maps, NULL, 0));

	(void)capture_start(&c[0]);
	json_init(&w, c[0].f, 2);
	assert_int_equal(parent, named.pid);
	assert_ok(report_json_sim_process(&w, sys, parent, false, &names));
	assert_ok(json_finish(&w));
	capture_end(&c[0]);

	(void)capture_start(&c[1]);
	json_init(&w, c[1].f, 2);
	json_object_begin(&w);
	report_json_linux_process(&w, &p, &maps);
	json_key(&w, "share");
	report_json_share(&w, &share, 7);
	json_object_end(&w);
	assert_ok(json_finish(&w));
	capture_end(&c[1]);

	sim = jparse(c[0].text);
	real = jparse(c[1].text);
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		const struct jval *a = jget(sim, common[i]), *b = jget(real, common[i]);
		if (!a || !b || a->t != b->t)
			fail_msg("member '%s' differs between simulated and real", common[i]);
	}
	assert_int_equal(jnum(real, "pid"), 4242);
	assert_string_equal(jstr(real, "name"), "x\"y");
	assert_string_equal(jstr(real, "smaps.0.perms"), "r-xp");
	assert_string_equal(jstr(real, "smaps.0.name"), "/bin/x");
	assert_int_equal(jnum(real, "smaps.0.rss"), 4096);
	assert_int_equal(jnum(real, "share.with"), 7);
	jfree(sim);
	jfree(real);
	free(c[0].text);
	free(c[1].text);
	procfs_maps_release(&maps);
	vmsim_system_free(sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parser_rejects_malformed_documents),
	    cmocka_unit_test(json_escapes_quotes_backslashes_and_control_characters),
	    cmocka_unit_test(json_keeps_valid_utf8_and_replaces_invalid_bytes),
	    cmocka_unit_test(json_numbers_are_exact_and_nan_is_null),
	    cmocka_unit_test(json_indented_and_compact_output_parse_alike),
	    cmocka_unit_test(json_finish_reports_misuse),
	    cmocka_unit_test(report_parses_back_with_the_counters_of_the_run),
	    cmocka_unit_test(report_without_smaps_and_compact_is_one_line),
	    cmocka_unit_test(report_write_path_fails_on_a_missing_directory),
	    cmocka_unit_test(linux_process_object_shares_the_common_members),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
