//! The allocator of every wasm this crate ships (the npm package's two, the
//! playground's and its import worker's): Talc rather than Rust's default
//! dlmalloc, for a smaller module and faster allocation. Measured when it
//! came in: the npm core wasm 24,867 → 22,998 bytes gzipped, a 10-task
//! coordinator's construction and free in Node 2.5 → 2.1 µs; the playground's
//! first load 2.9 KB smaller. Talc grows wasm memory one page at a time, which
//! could slow the playground's start: measured against dlmalloc, 20 cold loads
//! each, interleaved, the first frame with a gate painted at a median 247 vs
//! 239 ms, and Lighthouse's mobile total blocking time 140–252 vs 163–215 ms
//! over three runs each, both within this machine's noise. Native builds
//! keep the system allocator.

#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
