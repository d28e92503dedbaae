# The two commands a newcomer needs: `make serve` and `make test`.
# Each installs what it is missing (scripts/ensure-tools.sh): Rust components,
# the wasm target, the pinned wasm-bindgen CLI and trunk, Debian's browsers,
# geckodriver, and www/'s npm packages. Only the package registries are used.

SHELL := /bin/bash
# wasm-opt comes from the npm package binaryen, in www/node_modules/.bin.
export PATH := $(CURDIR)/www/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
CONFORMANCE ?= tests/conformance
TRACES := $(wildcard $(CONFORMANCE)/*.json)
WASM_TEST := cargo test --target wasm32-unknown-unknown --features js,trace --test wasm

.PHONY: test lint test-rust test-wasm test-js test-e2e npm build-web serve first-render bench bench-sim bench-js soak replay mutants fuzz lighthouse

## test: everything CI runs
test: lint test-rust test-wasm test-js test-e2e

www/node_modules/.package-lock.json: www/package.json www/package-lock.json
	cd www && npm ci --no-audit --no-fund --loglevel=error

lint:
	scripts/ensure-tools.sh rust wasm
	cargo fmt --all -- --check
	cargo clippy --quiet --lib --no-default-features -- -D warnings
	cargo clippy --quiet --all-targets --features js-sim,run-mode,tools,import-worker -- -D warnings
	cargo clippy --quiet -p tasklifecycle-fuzz --all-targets -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --features js-sim,js-wait-promise,run-mode,trace,import-worker --lib --bins --test wasm -- -D warnings
	# The playground's first build, without run mode (src/playground/handover.rs).
	cargo clippy --quiet --target wasm32-unknown-unknown --no-default-features --features playground --bin playground -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --no-default-features --features js --lib -- -D warnings

test-rust:
	scripts/ensure-tools.sh rust
	cargo test --all-targets --features tools,run-mode
	cargo test --doc --features tools
	cargo test --quiet -p tasklifecycle-fuzz
	cargo run --quiet --release --features trace --example replay -- $(TRACES)

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

## test-e2e: the playground's release bundle in headless Chromium (playwright-core)
test-e2e: build-web npm
	scripts/ensure-tools.sh browsers
	cd www && node --test e2e/

## build-web: the playground's release bundle in dist/
build-web: www/node_modules/.package-lock.json
	scripts/ensure-tools.sh trunk
	trunk build --release
	scripts/web-size.sh

## serve: the playground at http://127.0.0.1:8080 (rebuilds on change)
serve: www/node_modules/.package-lock.json
	scripts/ensure-tools.sh trunk
	trunk serve

## first-render: time to first render of dist/ in headless Chromium (not a test)
first-render: build-web
	node www/e2e/first-render.mjs

## bench: criterion benchmarks (not part of make test)
bench:
	cargo bench --bench coordinator

## bench-sim: a 20-task, 10-minute simulated alloc natively, in Node and in Chromium (not part of make test)
bench-sim: npm
	cargo bench --features sim --bench simulation
	scripts/ensure-tools.sh browsers
	node www/bench-sim.mjs

## soak: 1,000,000 wait/cancel cycles through the JS API; wasm memory must not grow (not part of make test)
soak: npm
	cd www && TASKLIFECYCLE_SOAK_CYCLES=1000000 node --test test/memory.test.mjs

## bench-js: the JS API against a plain-JS implementation (not part of make test)
bench-js: npm
	cargo build --quiet --lib --target wasm32-unknown-unknown --no-default-features --features js-wait-promise --profile wasm-core
	wasm-bindgen --target nodejs --no-typescript --out-dir target/bench-wait --out-name wait_promise \
	  target/wasm32-unknown-unknown/wasm-core/tasklifecycle.wasm
	node www/bench.mjs

## replay: replay the conformance traces through the Rust API
replay:
	cargo run --release --features trace --example replay -- $(TRACES)

## mutants: cargo-mutants over the core and the restart tracker (not part of make test; ~1-2 h on 2 cores)
# The tests that can see each file: the core's own, the conformance replay
# (coordinator traces and Nomad's restart-tracker traces) and the properties
# (at 64 cases each, to keep a mutant's run short).
MUTANTS_CORE := -f src/model.rs -f src/phase.rs -f src/gate.rs -f 'src/coordinator/*.rs' -f src/error.rs
MUTANTS_TESTS := --lib --test conformance --test coordinator --test gate --test properties
mutants:
	scripts/ensure-tools.sh rust
	command -v cargo-mutants >/dev/null || cargo install --locked cargo-mutants
	-PROPTEST_CASES=64 CARGO_PROFILE_DEV_DEBUG=0 cargo mutants $(MUTANTS_CORE) --features trace \
	  -o target/mutants-core $(MUTANTS_ARGS) -- $(MUTANTS_TESTS)
	-PROPTEST_CASES=64 CARGO_PROFILE_DEV_DEBUG=0 cargo mutants -f src/tools/sim/restarts.rs --features trace \
	  -o target/mutants-restarts $(MUTANTS_ARGS) -- --lib --test conformance --test simulation
	@for part in core restarts; do printf '%-9s' "$$part:"; \
	  for kind in caught missed timeout unviable; do \
	    printf ' %s %s' "$$(wc -l < target/mutants-$$part/mutants.out/$$kind.txt)" "$$kind"; done; echo; done
	@echo "missed (each killed by a test since, or equivalent: see tests/MUTANTS.md):"
	@cat target/mutants-core/mutants.out/missed.txt target/mutants-restarts/mutants.out/missed.txt

## fuzz: AFL++ (cargo-afl) on every parser and decoder, FUZZ_SECONDS each (not part of make test)
fuzz:
	scripts/ensure-tools.sh rust
	scripts/fuzz.sh

## lighthouse: Lighthouse 12.2.3's mobile and desktop audits of dist/, served gzipped (not part of make test)
lighthouse: build-web
	scripts/ensure-tools.sh browsers
	test -x target/lighthouse/node_modules/.bin/lighthouse || npm i -E --prefix target/lighthouse --no-audit --no-fund lighthouse@12.2.3
	node www/lighthouse.mjs
