# The two commands a newcomer needs: `make serve` and `make test`.
# Each installs what it is missing (see scripts/ensure-tools.sh).

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CONFORMANCE ?= ../shared/conformance

.PHONY: test test-rust lint serve bench replay tools

## test: everything CI runs
test: lint test-rust

tools:
	scripts/ensure-tools.sh rust

lint: tools
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

test-rust: tools
	cargo test --all-targets
	cargo test --doc
	cargo run --quiet --release --example replay -- $(CONFORMANCE)/*.json

## serve: the playground at http://127.0.0.1:8080
serve:
	@echo "The playground is not built yet (it lands with the playground issue)."
	@echo "Meanwhile: make test, or cargo run --release --example replay -- $(CONFORMANCE)/*.json"

## bench: criterion benchmarks (not part of make test)
bench:
	cargo bench --bench coordinator

## replay: replay the conformance traces through the Rust API
replay:
	cargo run --release --example replay -- $(CONFORMANCE)/*.json
