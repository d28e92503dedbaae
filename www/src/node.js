// Entry for Node.js (>= 20): the module is initialised synchronously on import.
import { readFileSync } from "node:fs";
import { initSync } from "./tasklifecycle_wasm.js";
import { setWasmExports } from "./wasm.js";

setWasmExports(
  initSync({ module: readFileSync(new URL("./tasklifecycle_wasm_bg.wasm", import.meta.url)) }),
);

export { Coordinator, Gate } from "./api.js";
