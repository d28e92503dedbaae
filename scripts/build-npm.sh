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

cargo build --quiet --lib --target wasm32-unknown-unknown --features js --profile wasm
wasm-bindgen --target web --no-typescript --out-dir "$bindgen" --out-name tasklifecycle_wasm \
  target/wasm32-unknown-unknown/wasm/tasklifecycle.wasm
www/node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
  "$bindgen/tasklifecycle_wasm_bg.wasm" -o "$out/tasklifecycle_wasm_bg.wasm"
cp "$bindgen/tasklifecycle_wasm.js" "$out/"
cp www/src/{api,wasm,node,browser,testing}.js www/src/{index,testing}.d.ts "$out/"
cp www/README.md "$out/README.md"
cp LICENSE "$out/LICENSE"
node scripts/npm-package-json.mjs > "$out/package.json"

wasm_bytes=$(stat -c %s "$out/tasklifecycle_wasm_bg.wasm")
wasm_gz=$(gzip -9 -c "$out/tasklifecycle_wasm_bg.wasm" | wc -c)
echo "pkg/: tasklifecycle_wasm_bg.wasm ${wasm_bytes} bytes, ${wasm_gz} bytes gzipped (-9)"
