/*
 * Files compiled into the library: the built-in scenarios (the .vms files of scenarios/,
 * turned into strings by cmake/embed.cmake at build time). Callers: the
 * scenario runner and the commands that list or show scenarios.
 */
#ifndef VMSIM_EMBEDDED_H
#define VMSIM_EMBEDDED_H

struct embedded_file {
	const char *name; /* file name without extension */
	const char *text; /* its contents */
};

/* Every built-in scenario in name order; ends with {NULL, NULL}. */
extern const struct embedded_file vmsim_embedded_scenarios[];

#endif
