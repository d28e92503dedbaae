// A real (small) JS orchestrator: runs child processes in Nomad's lifecycle
// order, with the coordinator deciding when each may start.
//
//   node www/examples/orchestrator.mjs
//
// migrate (prestart, exits 0) and proxy (prestart sidecar, runs until
// stopped) come first; web (main) starts once migrate succeeded and proxy
// runs; warm-cache (poststart) once web has started; when web ends, the
// sidecar is stopped as Nomad does; cleanup (poststop) runs last.
import { spawn } from "node:child_process";
import { Coordinator } from "../../pkg/node.js"; // in your project: from "tasklifecycle"

/** What each task runs: a node one-liner standing in for a real program. */
const program = {
  migrate: "setTimeout(() => process.exit(0), 150)",
  proxy: "setInterval(() => {}, 1000)",
  web: "setTimeout(() => process.exit(0), 400)",
  "warm-cache": "setTimeout(() => process.exit(0), 100)",
  cleanup: "setTimeout(() => process.exit(0), 50)",
};

const tasks = [
  { name: "migrate", lifecycle: { hook: "prestart" } },
  { name: "proxy", lifecycle: { hook: "prestart", sidecar: true } },
  { name: "web" },
  { name: "warm-cache", lifecycle: { hook: "poststart" } },
  { name: "cleanup", lifecycle: { hook: "poststop" } },
];
const sidecars = new Set(["proxy"]);
const mainTasks = new Set(["web"]);

const t0 = performance.now();
const log = (what) => console.log(`[${String(Math.round(performance.now() - t0)).padStart(5)} ms] ${what}`);

const coordinator = new Coordinator(tasks);
coordinator.subscribe((e) =>
  log(`phase ${e.from} -> ${e.to} (opened: ${e.opened.join(", ") || "none"}; closed: ${e.closed.join(", ") || "none"})`),
);

const children = new Map();
const finished = new Set();
const stopping = new Set();

/** Nomad's alloc runner: once every main task is dead, stop the sidecars. */
function stopSidecarsIfMainDone() {
  if (![...mainTasks].every((t) => finished.has(t))) return;
  for (const name of sidecars) {
    const child = children.get(name);
    if (child && !finished.has(name) && !stopping.has(name)) {
      stopping.add(name);
      log(`${name}: stopping (main tasks are done)`);
      child.kill("SIGTERM");
    }
  }
}

async function runTask(name) {
  try {
    await coordinator.startConditionForTask(name);
  } catch {
    log(`${name}: never started (${coordinator.explain(name)})`);
    return;
  }
  const child = spawn(process.execPath, ["-e", program[name]], { stdio: "ignore" });
  children.set(name, child);
  log(`${name}: started (pid ${child.pid})`);
  coordinator.setTaskState(name, { state: "running" });
  const code = await new Promise((resolve) => child.on("exit", (c, signal) => resolve(signal ? signal : c)));
  // A task we stopped ends successfully, as in Nomad; otherwise exit 0 is success.
  const failed = !stopping.has(name) && code !== 0;
  finished.add(name);
  log(`${name}: exited ${code}${failed ? " (failed)" : ""}`);
  coordinator.setTaskState(name, { state: "dead", failed });
  stopSidecarsIfMainDone();
}

log("alloc: every task pending");
coordinator.taskStateUpdated(Object.fromEntries(tasks.map((t) => [t.name, { state: "pending" }])));
log(`explain web: ${coordinator.explain("web")}`);
const runners = tasks.map((t) => runTask(t.name));
// Poststop tasks only start after the alloc is done; wait for everything to end.
await Promise.all(runners);
log(`alloc: done in phase ${coordinator.state}`);
coordinator.free();
