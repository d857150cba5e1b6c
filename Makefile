# The README's two commands:
#   make run    build, then run vmsim on its embedded default
#   make test   install missing Debian packages (as root), build, run the whole suite
# Also: make SANITIZE=address,undefined test   (separate build in build-san/)
#       make DEV=1 ...   (warnings are errors)      make format-check / make format
#       make bench       (build and run the benchmarks in bench/)
#       make validate    (vmsim against this host's Linux; writes docs/VALIDATION.md)
#       make memcheck    (unit tests under valgrind)  make soak  make fuzz SECONDS=60

SANITIZE ?=
DEV ?=
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

ifneq ($(SANITIZE),)
BUILD ?= build-san
BUILD_TYPE = Debug
else
BUILD ?= build
endif

CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DVMSIM_SANITIZE=$(SANITIZE)
ifneq ($(DEV),)
CMAKE_FLAGS += -DVMSIM_WERROR=ON
endif

# Debian packages the build and the tests need (slurm-wlm and munge: the
# sweep test starts a single-node Slurm; python3: the Python package's tests;
# gnuplot-nox: --plot, a main feature, and its tests).
DEPS = cmake pkg-config gcc make libcmocka-dev zlib1g-dev libzstd-dev liblzma-dev slurm-wlm munge \
	python3 gnuplot-nox

FORMAT_FILES = $(shell find include src tests bench validate -name '*.[ch]' 2>/dev/null | sort)

.PHONY: all build run test deps format format-check bench bench-check memcheck soak fuzz clean validate

all: build

deps:
	@sh tools/install-deps.sh $(DEPS)

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

run: deps build
	./$(BUILD)/vmsim run

test: deps build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Each case of validate/cases.def on this host and in vmsim; fails when a case
# stated as matching drifts past its tolerance (docs/VALIDATION.md).
validate: deps build
	./$(BUILD)/vmsim-validate --dir $(BUILD)/validate-files --doc docs/VALIDATION.md

bench: deps
	$(MAKE) build BUILD_TYPE=Release BUILD=build-bench
	sh bench/run-all.sh build-bench

# Host instructions per record of the replay hot path under callgrind,
# against the ceiling in the script (exit 1 above it); not part of make test.
bench-check: build
	sh bench/replay_instructions.sh $(BUILD)

# The unit tests under valgrind memcheck (leaks and invalid accesses fail them).
# unit_phys is left out: one case measures that calloc'd memory stays untouched,
# which valgrind's allocator does not preserve.
memcheck: deps
	@command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install -y valgrind"; exit 1; }
	$(MAKE) build BUILD=build-memcheck BUILD_TYPE=Debug
	cd build-memcheck && ctest --output-on-failure -j $(JOBS) -R '^unit_' -E 'faultinj|limits|trace_record|unit_phys' \
		--overwrite MemoryCheckCommand=$$(command -v valgrind) \
		--overwrite MemoryCheckCommandOptions='--leak-check=full --error-exitcode=1 --errors-for-leak-kinds=definite' \
		-T memcheck

# The long differential test (10^7 operations; docs/RELIABILITY.md).
soak: deps build
	cmake --build $(BUILD) --target model-soak

# Every fuzz harness for SECONDS (default 60) each (docs/FUZZING.md).
fuzz:
	sh tools/fuzz.sh $(SECONDS)

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@command -v clang-format >/dev/null || { echo "clang-format is missing: apt-get install -y clang-format"; exit 1; }
	clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	rm -rf build build-san build-bench build-memcheck
