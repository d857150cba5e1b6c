/*
 * vmsim translate: show how the x86-64 MMU splits a virtual address into
 * the indices of the page tables it walks and the offset within the page.
 *
 *	vmsim translate ADDRESS [--levels 4|5] [--page-size 4k|2m|1g] [--json]
 *
 * The split itself is vmsim_va_split() (src/mmu/vasplit.c); this file only
 * reads the arguments and lays the result out for a reader: a bit diagram
 * with the field boundaries, the offset and page number, and one row per
 * table walked. --json prints the same facts as one JSON object whose keys
 * are documented in docs/USER_GUIDE.md and never change meaning.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/addr.h"
#include "cli.h"
#include "vmsim/error.h"
#include "vmsim/mmu.h"

#define NAME "translate"

#define USAGE "usage: vmsim translate ADDRESS [--levels 4|5] [--page-size 4k|2m|1g] [--json]\n"

/* What --help prints after USAGE. */
static const char help_text[] =
    "\n"
    "Split a virtual address into the page-table indices and the page offset\n"
    "the x86-64 MMU uses to translate it.\n"
    "\n"
    "  ADDRESS               hexadecimal after 0x (0x7ffd12345678) or decimal\n"
    "  --levels 4|5          paging levels: 4 (48-bit addresses, the default)\n"
    "                        or 5 (57-bit addresses, LA57)\n"
    "  --page-size 4k|2m|1g  size of the page the address is in (default 4k);\n"
    "                        2m ends the walk at PD, 1g at PDPT\n"
    "  --json                print one JSON object instead of the text layout\n"
    "\n"
    "The address must be canonical: bits 63..47 (63..56 with --levels 5) all equal.\n";

/* One field of the address, as drawn left to right in the bit diagram. */
struct field {
	const char *name;  /* "sign extension", "PML4", ..., "offset" */
	const char *brief; /* name to draw when name is wider than the field */
	unsigned hi, lo;   /* bit range, hi >= lo */
};

/* A line being built for the diagram; long enough for 64 bits, 8 fields. */
struct line {
	char s[192]; /* text, NUL-terminated */
	size_t n;    /* strlen(s) */
};

static int usage_fail(void)
{
	fputs(USAGE, stderr);
	return CLI_EXIT_USAGE;
}

static void __attribute__((format(printf, 2, 3))) line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->s + l->n, sizeof(l->s) - l->n, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->n += (size_t)n < sizeof(l->s) - l->n ? (size_t)n : sizeof(l->s) - l->n - 1;
}

/* Print @l without its trailing spaces, then start it again. */
static void line_flush(struct line *l)
{
	while (l->n > 0 && l->s[l->n - 1] == ' ')
		l->n--;
	l->s[l->n] = '\0';
	puts(l->s);
	l->n = 0;
	l->s[0] = '\0';
}

/* Bits @hi..@lo of @va as '0'/'1' characters into @buf (at least 65 bytes). */
static const char *bin(char *buf, uint64_t va, unsigned hi, unsigned lo)
{
	size_t n = 0;
	unsigned b;

	for (b = hi + 1; b-- > lo;)
		buf[n++] = (char)('0' + ((va >> b) & 1));
	buf[n] = '\0';
	return buf;
}

static unsigned width(const struct field *f)
{
	return f->hi - f->lo + 1;
}

/* The fields of @s from bit 63 down to bit 0; returns how many. */
static unsigned fields_of(const struct vmsim_va_split *s, struct field *f /* out */)
{
	unsigned i, n = 0;

	f[n++] = (struct field){"sign extension", "sign", 63, s->va_bits};
	for (i = 0; i < s->nlevels; i++)
		f[n++] = (struct field){s->level[i].name, s->level[i].name, s->level[i].hi,
					s->level[i].lo};
	f[n++] = (struct field){"offset", "off", s->offset_bits - 1, 0};
	return n;
}

/*
 * The bit diagram: bit numbers at both ends of each field, the bits in a
 * box with a bar at every field boundary, the field names underneath.
 */
static void print_diagram(vaddr_t va, const struct field *f, unsigned nf)
{
	struct line l = {.n = 0};
	char border[sizeof(l.s)];
	char bits[65];
	unsigned i, j, w;

	line_add(&l, "  ");
	for (i = 0; i < nf; i++) {
		int n = snprintf(NULL, 0, "%u", f[i].hi);

		w = width(&f[i]);
		line_add(&l, "%u%*u ", f[i].hi, (int)w - n, f[i].lo);
	}
	line_flush(&l);

	line_add(&l, " +");
	for (i = 0; i < nf; i++) {
		for (j = 0; j < width(&f[i]); j++)
			line_add(&l, "-");
		line_add(&l, "+");
	}
	memcpy(border, l.s, sizeof(border));
	line_flush(&l);
	line_add(&l, " |");
	for (i = 0; i < nf; i++)
		line_add(&l, "%s|", bin(bits, va, f[i].hi, f[i].lo));
	line_flush(&l);
	puts(border);

	line_add(&l, "  ");
	for (i = 0; i < nf; i++) {
		w = width(&f[i]);
		line_add(&l, "%-*s ", (int)w, strlen(f[i].name) <= w ? f[i].name : f[i].brief);
	}
	line_flush(&l);
}

static void print_text(const struct vmsim_va_split *s)
{
	struct field f[VMSIM_MAX_LEVELS + 2];
	unsigned nf = fields_of(s, f), i;
	bool kernel = (s->va >> 63) != 0;
	uint64_t page_bytes = 1ULL << s->offset_bits;
	const struct vmsim_va_level *leaf = &s->level[s->nlevels - 1];
	char bits[65];

	printf("address      0x%016llx (%llu)\n", (unsigned long long)s->va,
	       (unsigned long long)s->va);
	printf("paging       %u-level, %u-bit virtual addresses, %s pages\n", s->levels, s->va_bits,
	       vmsim_page_size_name(s->ps));
	printf("half         %s (%s canonical half: bits 63..%u all %d)\n",
	       kernel ? "kernel" : "user", kernel ? "upper" : "lower", s->va_bits - 1,
	       kernel ? 1 : 0);
	putchar('\n');

	print_diagram(s->va, f, nf);
	putchar('\n');

	printf("offset       bits %u..0 (log2 %llu = %u bits): 0x%llx = %llu\n", s->offset_bits - 1,
	       (unsigned long long)page_bytes, s->offset_bits, (unsigned long long)s->offset,
	       (unsigned long long)s->offset);
	printf("page number  bits %u..%u (%u bits): 0x%llx = %llu\n", s->va_bits - 1,
	       s->offset_bits, s->va_bits - s->offset_bits, (unsigned long long)s->vpn,
	       (unsigned long long)s->vpn);
	putchar('\n');

	printf("%-5s  %-6s  %5s  %-5s  %s\n", "table", "bits", "index", "hex", "binary");
	for (i = 0; i < s->nlevels; i++) {
		const struct vmsim_va_level *l = &s->level[i];
		char range[16];

		snprintf(range, sizeof(range), "%u..%u", l->hi, l->lo);
		printf("%-5s  %-6s  %5u  0x%03x  %s\n", l->name, range, l->index, l->index,
		       bin(bits, l->index, 8, 0));
	}
	putchar('\n');

	fputs("walk         ", stdout);
	for (i = 0; i < s->nlevels; i++)
		printf("%s%s", i ? " -> " : "", s->level[i].name);
	printf("; the %s entry %smaps the %s page\n", leaf->name, leaf->level > 1 ? "(PS=1) " : "",
	       vmsim_page_size_name(s->ps));
}

static void print_json(const struct vmsim_va_split *s)
{
	char bits[65];
	unsigned i;

	printf("{\n");
	printf("  \"address\": \"0x%016llx\",\n", (unsigned long long)s->va);
	printf("  \"address_decimal\": \"%llu\",\n", (unsigned long long)s->va);
	printf("  \"levels\": %u,\n", s->levels);
	printf("  \"va_bits\": %u,\n", s->va_bits);
	printf("  \"page_size\": \"%s\",\n", vmsim_page_size_name(s->ps));
	printf("  \"page_size_bytes\": %llu,\n", 1ULL << s->offset_bits);
	printf("  \"half\": \"%s\",\n", (s->va >> 63) ? "kernel" : "user");
	printf(
	    "  \"sign_extension\": {\"hi\": 63, \"lo\": %u, \"bits\": %u, \"binary\": \"%s\"},\n",
	    s->va_bits, 64 - s->va_bits, bin(bits, s->va, 63, s->va_bits));
	printf("  \"tables\": [\n");
	for (i = 0; i < s->nlevels; i++) {
		const struct vmsim_va_level *l = &s->level[i];

		printf(
		    "    {\"name\": \"%s\", \"level\": %u, \"hi\": %u, \"lo\": %u, \"index\": %u, "
		    "\"hex\": \"0x%03x\", \"binary\": \"%s\"}%s\n",
		    l->name, l->level, l->hi, l->lo, l->index, l->index, bin(bits, l->index, 8, 0),
		    i + 1 < s->nlevels ? "," : "");
	}
	printf("  ],\n");
	printf("  \"offset\": {\"hi\": %u, \"lo\": 0, \"bits\": %u, \"value\": %llu, \"hex\": "
	       "\"0x%llx\", \"binary\": \"%s\"},\n",
	       s->offset_bits - 1, s->offset_bits, (unsigned long long)s->offset,
	       (unsigned long long)s->offset, bin(bits, s->va, s->offset_bits - 1, 0));
	printf("  \"vpn\": {\"hi\": %u, \"lo\": %u, \"bits\": %u, \"value\": %llu, \"hex\": "
	       "\"0x%llx\"}\n",
	       s->va_bits - 1, s->offset_bits, s->va_bits - s->offset_bits,
	       (unsigned long long)s->vpn, (unsigned long long)s->vpn);
	printf("}\n");
}

/* Say why @va is not canonical for @levels, and what would be. */
static int noncanonical(const char *arg, vaddr_t va, unsigned levels)
{
	unsigned top = 12 + 9 * levels - 1; /* the bit the upper bits must copy */
	uint64_t upper = ~0ULL << top;	    /* bits 63..top */
	unsigned bit = (unsigned)((va >> top) & 1);
	vaddr_t canon = bit ? va | upper : va & ~upper;

	cli_error(NAME,
		  "argument 1 '%s': not canonical for %u-level paging: "
		  "bits 63..%u must all equal bit %u, which is %u",
		  arg, levels, top + 1, top, bit);
	cli_error(NAME, "hint: the canonical address with the same low %u bits is 0x%016llx",
		  top + 1, (unsigned long long)canon);
	if (levels == 4 && vmsim_va_is_canonical(va, 5))
		cli_error(NAME, "hint: with --levels 5 (57-bit addresses) it is canonical");
	return CLI_EXIT_USAGE;
}

int cmd_translate(int argc, char **argv)
{
	const char *addr_arg = NULL, *levels_arg = NULL, *ps_arg = NULL;
	enum vmsim_page_size ps = VMSIM_PAGE_4K;
	struct vmsim_va_split split;
	struct cli_error err;
	bool json = false, options_done = false;
	uint64_t va, levels = 4;
	int i, rc;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!options_done && arg[0] == '-' && arg[1] != '\0') {
			int m;

			if (strcmp(arg, "--") == 0) {
				options_done = true;
				continue;
			}
			if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
				fputs(USAGE, stdout);
				fputs(help_text, stdout);
				return CLI_EXIT_OK;
			}
			if (strcmp(arg, "--json") == 0) {
				json = true;
				continue;
			}
			m = cli_opt_value(argc, argv, &i, "--levels", &levels_arg);
			if (m == 0)
				m = cli_opt_value(argc, argv, &i, "--page-size", &ps_arg);
			if (m < 0) {
				cli_error(NAME, "option '%s' needs a value", arg);
				return usage_fail();
			}
			if (m > 0)
				continue;
			cli_error(NAME, "unknown option '%s'", arg);
			return usage_fail();
		}
		if (addr_arg) {
			cli_error(NAME, "unexpected argument '%s'", arg);
			return usage_fail();
		}
		addr_arg = arg;
	}
	if (!addr_arg) {
		cli_error(NAME, "missing ADDRESS");
		return usage_fail();
	}

	if (levels_arg && (cli_parse_u64("--levels", levels_arg, &levels, &err) != 0 ||
			   levels < 4 || levels > 5)) {
		cli_error(NAME, "--levels '%s': expected 4 or 5", levels_arg);
		return CLI_EXIT_USAGE;
	}
	if (ps_arg && cli_parse_page_size("--page-size", ps_arg, &ps, &err) != 0) {
		cli_error(NAME, "%s", err.msg);
		return CLI_EXIT_USAGE;
	}
	if (cli_parse_u64("argument 1", addr_arg, &va, &err) != 0) {
		cli_error(NAME, "%s", err.msg);
		return CLI_EXIT_USAGE;
	}

	rc = vmsim_va_split(va, (unsigned)levels, ps, &split);
	if (rc == VMSIM_ENONCANON)
		return noncanonical(addr_arg, va, (unsigned)levels);
	if (rc != 0) {
		cli_error(NAME, "%s", vmsim_strerror(rc));
		return CLI_EXIT_FAILURE;
	}

	if (json)
		print_json(&split);
	else
		print_text(&split);
	return CLI_EXIT_OK;
}
