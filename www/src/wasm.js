// Holds the initialised wasm exports, for the memory figures in testing.js.
let exports;

export function setWasmExports(value) {
  exports = value;
}

/** Bytes of linear memory the wasm module holds (it only grows). */
export function wasmMemoryBytes() {
  return exports ? exports.memory.buffer.byteLength : 0;
}
