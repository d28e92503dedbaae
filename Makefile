# The two commands a newcomer needs: `make serve` and `make test`.
# Each installs what it is missing (scripts/ensure-tools.sh): Rust components,
# the wasm target, the pinned wasm-bindgen CLI and trunk, Debian's browsers,
# geckodriver, and www/'s npm packages. Only the package registries are used.

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CONFORMANCE ?= ../shared/conformance
WASM_TEST := cargo test --target wasm32-unknown-unknown --features js --test wasm

.PHONY: test lint test-rust test-wasm test-js npm serve bench bench-js replay

## test: everything CI runs
test: lint test-rust test-wasm test-js

www/node_modules/.package-lock.json: www/package.json www/package-lock.json
	cd www && npm ci --no-audit --no-fund --loglevel=error

lint:
	scripts/ensure-tools.sh rust wasm
	cargo fmt --all -- --check
	cargo clippy --quiet --all-targets --features js -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --features js --lib --test wasm -- -D warnings

test-rust:
	scripts/ensure-tools.sh rust
	cargo test --all-targets
	cargo test --doc
	cargo run --quiet --release --example replay -- $(CONFORMANCE)/*.json

## test-wasm: the core and bindings as wasm, in Node, headless Chrome and headless Firefox
test-wasm:
	scripts/ensure-tools.sh wasm browsers geckodriver
	$(WASM_TEST)
	WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver $(WASM_TEST)
	WASM_BINDGEN_USE_BROWSER=1 GECKODRIVER=$$(command -v geckodriver) $(WASM_TEST)

## test-js: the npm package through its JS API (node --test)
test-js: npm
	cd www && node --test test/

## npm: build the npm package into pkg/
npm: www/node_modules/.package-lock.json
	scripts/ensure-tools.sh wasm
	scripts/build-npm.sh

## serve: the playground at http://127.0.0.1:8080
serve:
	@echo "The playground is not built yet (it lands with the playground issue)."
	@echo "Meanwhile: make test, or cargo run --release --example replay -- $(CONFORMANCE)/*.json"

## bench: criterion benchmarks (not part of make test)
bench:
	cargo bench --bench coordinator

## bench-js: the JS API against a plain-JS implementation (not part of make test)
bench-js: npm
	node www/bench.mjs

## replay: replay the conformance traces through the Rust API
replay:
	cargo run --release --example replay -- $(CONFORMANCE)/*.json
