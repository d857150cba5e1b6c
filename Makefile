# The README's two commands:
#   make run    build, then run vmsim on its embedded default
#   make test   install missing Debian packages (as root), build, run the whole suite
# Also: make SANITIZE=address,undefined test   (separate build in build-san/)
#       make DEV=1 ...   (warnings are errors)      make format-check / make format
#       make bench       (build and run the benchmarks in bench/)

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

# Debian packages the build and the tests need.
DEPS = cmake pkg-config gcc make libcmocka-dev zlib1g-dev libzstd-dev liblzma-dev

FORMAT_FILES = $(shell find include src tests bench -name '*.[ch]' 2>/dev/null | sort)

.PHONY: all build run test deps format format-check bench clean

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

bench: deps
	$(MAKE) build BUILD_TYPE=Release BUILD=build-bench
	sh bench/run-all.sh build-bench

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@command -v clang-format >/dev/null || { echo "clang-format is missing: apt-get install -y clang-format"; exit 1; }
	clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	rm -rf build build-san build-bench
