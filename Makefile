# Everything from nothing: `make test` builds the venv, the extension, dev deps and the Steady
# mock server, then runs the suite twice (compiled twins, then OXIDE_NO_EXTENSIONS=1), and the
# HTTP suites (faults, endpoints, streams, helpers, tool runners) once more on aiohttp's request
# path instead of the fast lane (OXIDE_FAST_PATH=0).
PY        ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
STEADY_V  := 0.22.2
STEADY    := .mock/node_modules/@stdy/cli-linux-x64/bin/steady
PYTEST    := $(BIN)/python -m pytest -n 2 -q

.PHONY: all venv build mock test test-c test-pure test-fallback demo bench soak sync-types check-types lint fmt clean fuzz \
	conformance test-frameworks wheel

all: test

$(BIN)/.deps: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip "setuptools>=77" wheel "Cython>=3.0"
	# Deps + an editable install; the extension itself is built in place by `make build`.
	OXIDE_NO_EXTENSIONS=1 $(BIN)/python -m pip install -q --no-build-isolation -e ".[dev]"
	touch $@

venv: $(BIN)/.deps

# In-place build so the tests, the demo and `python -m oxide` run straight from the checkout.
build: venv
	OXIDE_REQUIRE_EXTENSIONS=1 $(BIN)/python setup.py -q build_ext --inplace

$(STEADY):
	npm install --silent --no-audit --no-fund --prefix .mock @stdy/cli@$(STEADY_V)

mock: $(STEADY)

test: build mock
	$(MAKE) test-c
	$(MAKE) test-pure
	$(MAKE) test-fallback

test-c:
	$(PYTEST)

test-pure:
	OXIDE_NO_EXTENSIONS=1 $(PYTEST)

test-fallback:
	OXIDE_FAST_PATH=0 $(PYTEST) tests/faults tests/api tests/helpers tests/lib

# Agent frameworks (openai-agents, langchain-openai) on oxide.official, with the newest official
# SDK, in a venv of their own; oxide from the checkout (its extension built by `make build`).
FW_VENV := .venv-frameworks

$(FW_VENV)/.deps: tests_frameworks/requirements.txt
	$(PY) -m venv $(FW_VENV)
	$(FW_VENV)/bin/python -m pip install -q -r tests_frameworks/requirements.txt
	touch $@

test-frameworks: build $(FW_VENV)/.deps
	PYTHONPATH=$(CURDIR) $(FW_VENV)/bin/python -m pytest -c tests_frameworks/pytest.ini \
		--rootdir tests_frameworks -q tests_frameworks
	# oxide.official's own tests again, on the newest official release's types.
	PYTHONPATH=$(CURDIR) $(FW_VENV)/bin/python -m pytest -c tests_frameworks/pytest.ini \
		--rootdir . -q tests/official

# The sdist, a wheel built from it without Cython, the test suite against that wheel installed
# in a clean venv, and a build whose compiler fails (installs, and `import oxide` warns).
wheel: venv mock
	$(BIN)/python release/check_wheel.py

demo: build
	$(BIN)/python -m oxide demo

# Separate worker processes per client, the mock server on the other core; writes
# benchmarks/results/{benchmark,summary}.json, the chart, and the table in benchmarks/README.md.
bench: build
	$(BIN)/python -m pytest benchmarks -p no:xdist --benchmark-only -q -rs \
		--benchmark-json=benchmarks/results/benchmark.json
	$(BIN)/python benchmarks/chart.py benchmarks/results/summary.json \
		-o benchmarks/results/chart.png --readme benchmarks/README.md

# Minutes of mixed traffic (async + sync clients, streams abandoned/closed/cancelled) against
# soak/server.py in its own process, which injects faults; fails on an untyped error, a hang, a
# wrong answer or fds/RSS that grow. Writes docs/soak/{results.json,soak.png} and its README block.
SOAK_SECONDS ?= 180
soak: build
	$(BIN)/python soak/driver.py --seconds $(SOAK_SECONDS) --out docs/soak

# Both generators (codegen/generate.py: oxide/types; codegen/resources.py: oxide/resources and
# oxide/_client_resources.py). Before every mixin exists: make sync-types CODEGEN_ARGS=--allow-missing-mixins
CODEGEN_ARGS ?=
sync-types: venv
	$(BIN)/python -m codegen $(CODEGEN_ARGS)
	$(BIN)/python -m ruff format -q oxide/types oxide/resources oxide/_client_resources.py

check-types: sync-types
	git diff --exit-code -- oxide/types oxide/resources oxide/_client_resources.py codegen/FALLBACKS.md
	test -z "$$(git status --porcelain -- oxide/types oxide/resources oxide/_client_resources.py)"

lint: venv
	$(BIN)/python -m ruff check oxide tests tests_frameworks examples codegen benchmarks soak fuzz conformance release build_backend setup.py
	$(BIN)/python -m ruff format --check oxide tests tests_frameworks examples codegen benchmarks soak fuzz conformance release build_backend setup.py
	$(BIN)/python -m mypy

fmt: venv
	$(BIN)/python -m ruff format oxide tests tests_frameworks examples codegen benchmarks soak fuzz conformance release build_backend setup.py
	$(BIN)/python -m ruff check --fix oxide tests codegen benchmarks soak fuzz conformance release build_backend setup.py

# The official SDK's own test suite (openai==3.3.1 sdist, tests/api_resources) with oxide standing
# in for `openai`, against Steady: sdist and venv cached in .conformance/, oxide reinstalled from
# the checkout each run. Fails if fewer tests pass than conformance/FLOOR (conformance/README.md).
# A subset: ARGS="tests/api_resources/test_models.py"; pytest options after "--".
ARGS ?=

conformance: venv mock
	$(BIN)/python conformance/run.py $(ARGS)

# Differential fuzzing of the twins (fuzz/README.md); not part of `make test`. The compiled twins
# are rebuilt with clang + ASan + libFuzzer coverage into build/fuzz/lib, apart from the in-place
# .so files; then each harness runs to 1,000,000 executions (FUZZ_ARGS="--runs N sse" etc.).
FUZZ_SAN  := -fsanitize=address,fuzzer-no-link
FUZZ_ARGS ?=

fuzz: venv
	sh fuzz/toolchain.sh
	$(BIN)/python -m pip install -q "atheris>=2.3"
	CC=clang LDSHARED="clang -shared" CFLAGS="$(FUZZ_SAN) -fno-omit-frame-pointer -g" \
		LDFLAGS="$(FUZZ_SAN)" OXIDE_REQUIRE_EXTENSIONS=1 \
		$(BIN)/python setup.py -q build_ext --force --build-lib build/fuzz/lib \
		--build-temp build/fuzz/temp
	$(BIN)/python fuzz/run.py $(FUZZ_ARGS)

clean:
	rm -rf build oxide/_speedups/*.so oxide/_speedups/*.c
