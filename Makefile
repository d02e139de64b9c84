# whet: two commands on a fresh Debian machine, as root.
#   make demo   build whet and run the example project end to end
#   make test   install what the tests need and run every test
SHELL := /bin/bash
.DEFAULT_GOAL := help
export CARGO_TARGET_DIR ?= $(HOME)/.cache/whet/target
export CARGO_TERM_COLOR ?= never
WHET := $(CARGO_TARGET_DIR)/debug/whet
SYSTEM_PACKAGES := build-essential pkg-config git ca-certificates

.PHONY: help deps build demo test lint fmt

help:
	@echo "make demo   build whet and run the example project end to end"
	@echo "make test   run fmt check, clippy and every test"

deps:
	@bash scripts/install-deps.sh $(SYSTEM_PACKAGES)

build: deps
	@echo "==> building whet (target dir $(CARGO_TARGET_DIR))"
	cargo build --locked -p whet-cli

demo: build
	@bash scripts/demo.sh "$(WHET)"

lint: deps
	@echo "==> cargo fmt --check"
	cargo fmt --all --check
	@echo "==> cargo clippy"
	cargo clippy --locked --workspace --all-targets -- -D warnings

test: lint
	@echo "==> cargo test (every crate, every test)"
	cargo test --locked --workspace --no-fail-fast

fmt:
	cargo fmt --all
