// Entry for browsers and bundlers: fetches and instantiates the wasm on import
// (top-level await), so `import { Coordinator } from "tasklifecycle"` is ready to use.
import init from "./tasklifecycle_wasm.js";
import { setWasmExports } from "./wasm.js";

setWasmExports(
  await init({ module_or_path: new URL("./tasklifecycle_wasm_bg.wasm", import.meta.url) }),
);

export { Coordinator, Gate } from "./api.js";
