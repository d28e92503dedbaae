// The packed package installs into a fresh project, where Node imports it by
// name (no init call) and TypeScript — the oldest supported and the newest,
// for Node and for bundlers — type-checks a usage file against it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const pkg = new URL("../../pkg/", import.meta.url).pathname;
/** The oldest TypeScript the declarations support, and the newest tested. */
const TSC = {
  "5.0 (oldest supported)": new URL("../node_modules/typescript-oldest/bin/tsc", import.meta.url).pathname,
  "5.9 (newest)": new URL("../node_modules/typescript/bin/tsc", import.meta.url).pathname,
};
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", timeout: 120_000 });

test("npm pack installs into a fresh project and runs a lifecycle", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tasklifecycle-pack-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  run("npm", ["pack", pkg, "--pack-destination", dir, "--silent"], dir);
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  assert.ok(tarball, "npm pack made a tarball");
  const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
  const cargo = readFileSync(new URL("../../Cargo.toml", import.meta.url), "utf8");
  assert.equal(manifest.version, cargo.match(/^version = "(.*)"/m)[1], "version comes from Cargo.toml");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", `./${tarball}`], dir);

  writeFileSync(
    join(dir, "main.mjs"),
    `import { Coordinator } from "tasklifecycle";
import { requireTaskAllowed, requireTaskBlocked } from "tasklifecycle/testing";
const c = new Coordinator([{ name: "init", lifecycle: { hook: "prestart" } }, { name: "web" }]);
const order = [];
const web = c.startConditionForTask("web").then(() => order.push("web"));
c.taskStateUpdated({ init: { state: "pending" }, web: { state: "pending" } });
requireTaskAllowed(c, "init");
requireTaskBlocked(c, "web");
order.push("init");
c.setTaskState("init", { state: "dead" });
await web;
console.log(c.state, order.join(","));
`,
  );
  assert.equal(run(process.execPath, ["main.mjs"], dir).trim(), "main init,web");

  // Importing the core reads only the core's wasm; the sim entry reads its own.
  const wasmRead = (entry) => {
    writeFileSync(
      join(dir, "probe.mjs"),
      `import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
const read = fs.readFileSync;
const wasm = [];
fs.readFileSync = (file, ...rest) => { if (String(file).endsWith(".wasm")) wasm.push(String(file).split("/").pop()); return read(file, ...rest); };
syncBuiltinESMExports();
await import(${JSON.stringify(entry)});
console.log(wasm.join(","));
`,
    );
    return run(process.execPath, ["probe.mjs"], dir).trim();
  };
  assert.equal(wasmRead("tasklifecycle"), "tasklifecycle_wasm_bg.wasm");
  assert.equal(wasmRead("tasklifecycle/testing"), "");
  assert.equal(wasmRead("tasklifecycle/sim"), "tasklifecycle_wasm_bg.wasm,tasklifecycle_sim_wasm_bg.wasm");
  writeFileSync(
    join(dir, "sim.mjs"),
    `import { Coordinator } from "tasklifecycle";
import { renderAscii, simulate } from "tasklifecycle/sim";
const events = simulate([{ name: "web" }], [{ runMs: 100 }], { jobType: "batch", jitter: 0 });
const c = new Coordinator([{ name: "web" }]);
c.setTaskState("web", { state: "pending" });
console.log(events.map((e) => e.event?.type ?? e.state?.state ?? e.type).join(","), renderAscii(c).includes("main: open"));
`,
  );
  assert.equal(run(process.execPath, ["sim.mjs"], dir).trim(), "Received,phase,Task Setup,Started,phase,Terminated,dead,phase true");

  writeFileSync(
    join(dir, "usage.ts"),
    `import { Coordinator, Gate, type Phase, type Stage, type TransitionEvent } from "tasklifecycle";
import { waitNotInitUntil } from "tasklifecycle/testing";
import { renderAscii, simulate, type SimEvent } from "tasklifecycle/sim";
const events: SimEvent[] = simulate([{ name: "web" }], [{ runMs: 1 }], { jobType: "sysbatch", actions: [{ atMs: 0, kind: "killTask", task: "web" }] });
for (const e of events) { if (e.type === "task" && e.event) { const m: string = e.event.message; void m; } else if (e.type === "phase") { const o: Stage[] = e.opened; void o; } }
// @ts-expect-error: not a job type
simulate([], [], { jobType: "cron" });
const c = new Coordinator([{ name: "web" }, { Name: "p", Lifecycle: { Hook: "prestart", Sidecar: true } }]);
const phase: Phase = c.state;
const stage: Stage = "poststart-sidecar";
const gate: Gate | undefined = c.gate(stage);
const unsubscribe: () => void = c.subscribe((e: TransitionEvent) => { const to: Phase = e.to; void to; });
const wait: Promise<void> = c.startConditionForTask("web", { signal: AbortSignal.timeout(10) });
c.taskStateUpdated({ web: { state: "running", failed: false }, p: { State: "dead", Failed: true } });
void waitNotInitUntil(c, 100, () => {});
void [phase, gate, unsubscribe, wait];
// @ts-expect-error: not a hook
new Coordinator([{ name: "x", lifecycle: { hook: "prestop" } }]);
// @ts-expect-error: not a state
c.setTaskState("web", { state: "exploded" });
// @ts-expect-error: not a stage
c.gate("sideways");
void renderAscii(c);
`,
  );
  // Strict, skipLibCheck off, a lib without esnext.disposable: as a new
  // project sets it up, for Node (nodenext) and for bundlers.
  for (const [version, tsc] of Object.entries(TSC)) {
    for (const [module, moduleResolution] of [["nodenext", "nodenext"], ["esnext", "bundler"]]) {
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: { strict: true, noEmit: true, module, moduleResolution, target: "es2022", lib: ["es2022", "dom"], skipLibCheck: false },
          files: ["usage.ts"],
        }),
      );
      try {
        run(process.execPath, [tsc, "-p", "."], dir);
      } catch (error) {
        assert.fail(`TypeScript ${version}, moduleResolution ${moduleResolution}:\n${error.stdout}`);
      }
    }
  }
});

test("the core wasm, all that `import \"tasklifecycle\"` loads, stays within its 20 KB gzipped budget", () => {
  // A size, not a timing: the same toolchain gives the same bytes. Measured
  // as scripts/build-npm.sh reports it (GNU gzip -9; zlib's deflate differs
  // by a few dozen bytes). The budget is issue 13's; a change that breaks it
  // should say what it buys.
  const gzipped = execFileSync("gzip", ["-9", "-c", join(pkg, "tasklifecycle_wasm_bg.wasm")]).length;
  assert.ok(gzipped <= 20_000, `the core wasm is ${gzipped} bytes gzipped (-9); its budget is 20,000`);
});
