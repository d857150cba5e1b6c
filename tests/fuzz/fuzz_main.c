/*
 * The libFuzzer entry point of one harness: FUZZ_TARGET names the target
 * of targets.h it runs (tests/fuzz/CMakeLists.txt builds one binary per
 * target, fuzz_<target>). Built only with -DVMSIM_FUZZ=ON and clang.
 */
#include "targets.h"

#ifndef FUZZ_TARGET
#error "define FUZZ_TARGET to a function of targets.h, e.g. fuzz_lackey"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)FUZZ_TARGET(data, size);
	return 0;
}
