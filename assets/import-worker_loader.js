// The import worker's loader (started by src/playground/worker.rs): the
// wasm-bindgen glue, then the parsers' wasm. Trunk's own loader shim says
// nothing when the wasm cannot be fetched or compiled (a rejected promise in
// a worker never reaches the page); here that failure is rethrown as an
// uncaught error, which the page's Worker hears as an `error` event.
importScripts("./import-worker.js");
wasm_bindgen("./import-worker_bg.wasm").catch((error) => setTimeout(() => { throw error; }));
