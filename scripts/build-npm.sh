#!/usr/bin/env bash
# Builds the npm package into pkg/: the crate with the `js` feature for
# wasm32, wasm-bindgen's glue, wasm-opt from the npm `binaryen` package, and
# the JS layer, types and README from www/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

out=pkg
bindgen=target/npm-bindgen
rm -rf "$out" "$bindgen"
mkdir -p "$out" "$bindgen"

# One wasm per entry: the core (`tasklifecycle`, `tasklifecycle/testing`) and
# the simulation's (`tasklifecycle/sim`), built from the same crate with
# different features.
build_wasm() { # feature, module name, cargo profile
  cargo build --quiet --lib --target wasm32-unknown-unknown --no-default-features --features "$1" --profile "$3"
  wasm-bindgen --target web --no-typescript --out-dir "$bindgen" --out-name "$2" \
    "target/wasm32-unknown-unknown/$3/tasklifecycle.wasm"
  www/node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
    --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
    "$bindgen/$2_bg.wasm" -o "$out/$2_bg.wasm"
  cp "$bindgen/$2.js" "$out/"
}
build_wasm js tasklifecycle_wasm wasm-core
build_wasm js-sim tasklifecycle_sim_wasm wasm
cp www/src/{api,wasm,node,browser,testing,sim-api,sim-node,sim-browser}.js www/src/{index,testing,sim}.d.ts "$out/"
cp www/README.md "$out/README.md"
cp LICENSE "$out/LICENSE"
node scripts/npm-package-json.mjs > "$out/package.json"

for wasm in tasklifecycle_wasm_bg.wasm tasklifecycle_sim_wasm_bg.wasm; do
  bytes=$(stat -c %s "$out/$wasm")
  gz=$(gzip -9 -c "$out/$wasm" | wc -c)
  echo "pkg/: $wasm ${bytes} bytes, ${gz} bytes gzipped (-9)"
done
