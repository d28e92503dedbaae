// Entry `tasklifecycle/sim` for Node.js (>= 20): the core entry and the
// simulation's own wasm module are initialised synchronously on import.
import { readFileSync } from "node:fs";
import "./node.js";
import { initSync } from "./tasklifecycle_sim_wasm.js";

initSync({ module: readFileSync(new URL("./tasklifecycle_sim_wasm_bg.wasm", import.meta.url)) });

export { renderAscii, simulate } from "./sim-api.js";
