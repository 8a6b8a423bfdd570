# Bulwark's entry points. Build caches live outside the clone (CARGO_TARGET_DIR).
SHELL := /bin/bash
export CARGO_TARGET_DIR ?= $(HOME)/.cache/bulwark-target
export BULWARK_DATA_DIR ?= ./data

.PHONY: run test build bench check fmt help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

run: ## build (debug) and start the console on http://127.0.0.1:3000 with SQLite in ./data
	scripts/install-build-deps.sh
	scripts/build-site.sh dev
	cargo build -p app --bin bulwark
	$(CARGO_TARGET_DIR)/debug/bulwark serve

test: ## install what the tests need, start the test services, run every test
	scripts/test.sh

build: ## release binary + site; prints the binary's absolute path last
	scripts/install-build-deps.sh --release
	scripts/build-site.sh release
	cargo build --release -p app --bin bulwark
	@realpath $(CARGO_TARGET_DIR)/release/bulwark

check: ## formatting and lints only
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

fmt: ## format the code
	cargo fmt --all

bench: ## benchmark `bulwark backup` against pg_dump | zstd | age (needs ~10 GB of disk)
	scripts/bench/backup.sh
