// Prints pkg/package.json, with the version taken from Cargo.toml.
import { readFileSync } from "node:fs";

const cargo = readFileSync(new URL("../Cargo.toml", import.meta.url), "utf8");
const field = (name) => cargo.match(new RegExp(`^${name} = "([^"]*)"`, "m"))?.[1];

const manifest = {
  name: "tasklifecycle",
  version: field("version"),
  description: field("description"),
  license: field("license"),
  keywords: ["nomad", "lifecycle", "orchestration", "wasm", "prestart", "sidecar"],
  type: "module",
  engines: { node: ">=20" },
  exports: {
    ".": {
      types: "./index.d.ts",
      node: "./node.js",
      default: "./browser.js",
    },
    "./testing": {
      types: "./testing.d.ts",
      default: "./testing.js",
    },
    "./sim": {
      types: "./sim.d.ts",
      node: "./sim-node.js",
      default: "./sim-browser.js",
    },
    "./package.json": "./package.json",
  },
  main: "./node.js",
  types: "./index.d.ts",
  files: [
    "api.js",
    "browser.js",
    "node.js",
    "testing.js",
    "wasm.js",
    "tasklifecycle_wasm.js",
    "tasklifecycle_wasm_bg.wasm",
    "sim-api.js",
    "sim-browser.js",
    "sim-node.js",
    "tasklifecycle_sim_wasm.js",
    "tasklifecycle_sim_wasm_bg.wasm",
    "index.d.ts",
    "sim.d.ts",
    "testing.d.ts",
    "README.md",
    "LICENSE",
  ],
  sideEffects: ["./node.js", "./browser.js", "./sim-node.js", "./sim-browser.js"],
};
process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
