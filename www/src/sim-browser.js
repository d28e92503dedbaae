// Entry `tasklifecycle/sim` for browsers and bundlers: the core entry, then
// the simulation's own wasm module, fetched and instantiated on import.
import "./browser.js";
import init from "./tasklifecycle_sim_wasm.js";

await init({ module_or_path: new URL("./tasklifecycle_sim_wasm_bg.wasm", import.meta.url) });

export { renderAscii, simulate } from "./sim-api.js";
