/*
 * Fuzz targets: one function per parser that takes an arbitrary byte
 * string and feeds it to the parser's public entry point, as a user's file
 * or argument would reach it.
 *
 * Each returns 0 (the input was accepted) or the parser's negative
 * VMSIM_E* code (the input was rejected with a message). A crash, a
 * sanitizer report or an abort() here is a bug: the parsers promise an
 * error, never a signal, on any input. The same functions back the
 * libFuzzer harnesses (tests/fuzz/fuzz_main.c, one binary per target) and
 * the replay of saved crash inputs in the normal build
 * (tests/unit/test_fuzz_regress.c).
 */
#ifndef VMSIM_TESTS_FUZZ_TARGETS_H
#define VMSIM_TESTS_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

int fuzz_lackey(const uint8_t *data, size_t size);     /* trace reader, --format lackey */
int fuzz_champsim(const uint8_t *data, size_t size);   /* trace reader, --format champsim */
int fuzz_vmsim(const uint8_t *data, size_t size);      /* trace reader, --format vmsim */
int fuzz_trace_auto(const uint8_t *data, size_t size); /* format and compression detected */
int fuzz_scenario(const uint8_t *data, size_t size);   /* scenario_check_syntax */
int fuzz_refstring(const uint8_t *data, size_t size);  /* refstring: auto, text, u64 */
int fuzz_cliparse(const uint8_t *data, size_t size);   /* cli_parse_u64/size/page_size */

/* One target by its name (the part after "fuzz_"), for the regression
 * runner; NULL if unknown. */
typedef int (*fuzz_target_fn)(const uint8_t *data, size_t size);
fuzz_target_fn fuzz_target_find(const char *name);

#endif
