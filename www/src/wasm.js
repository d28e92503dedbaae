// Holds the initialised wasm exports: the API writes update codes straight
// into wasm memory, and the memory tests read its size.
let exports;

export function setWasmExports(value) {
  exports = value;
}

/** The module's linear memory. */
export function wasmMemory() {
  return exports.memory;
}

/** Bytes of linear memory the wasm module holds (it only grows). */
export function wasmMemoryBytes() {
  return exports ? exports.memory.buffer.byteLength : 0;
}
