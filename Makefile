# The two commands an operator needs are `make run` and `make test`; both install missing
# packages first (scripts/install-deps.sh is a no-op when everything is present) and build
# incrementally.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD := build/release
ASAN_BUILD := build/asan
FUZZ_BUILD := build/fuzz
CMAKE_FLAGS := -G Ninja -DCMAKE_BUILD_TYPE=Release -DDECNET_ASSERTS=ON
FUZZ_SECONDS ?= 15
# Paths relative to the checkout in ccache's keys, so a fresh clone reuses the cache.
export CCACHE_BASEDIR := $(CURDIR)

.PHONY: all deps build run test test-asan bench fuzz fuzz-smoke format tidy clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/src/app/decnet serve

test: build
	@if command -v clang++ >/dev/null; then $(MAKE) --no-print-directory fuzz-smoke; fi
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 300
	@$(MAKE) --no-print-directory tidy

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDECNET_SANITIZE=ON -DDECNET_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

bench: build
	cmake --build $(BUILD) -j $(JOBS) --target benchmarks
	bash bench/run.sh $(BUILD)

$(FUZZ_BUILD)/build.ninja: | deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDECNET_FUZZ=ON

fuzz: $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	bash fuzz/run.sh $(FUZZ_BUILD) $${FUZZ_SECONDS:-300}

# A short run of every fuzzer over its committed corpus; part of `make test`.
fuzz-smoke: $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	bash fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

# clang-tidy over src/, Clang's thread-safety analysis included; the files of a folder are checked
# together, and units unchanged since they last passed are skipped (scripts/tidy.py keeps the
# results in ~/.cache/decnet-tidy).
tidy: build
	python3 scripts/tidy.py $(BUILD)

clean:
	rm -rf build
