// How long a simulated allocation takes through the npm package's sim entry,
// in Node and in headless Chromium: 20 tasks, a service job whose tasks keep
// restarting (1,000 attempts per 30 min, 5 s delay), ten simulated minutes —
// the workload of benches/simulation.rs. Not a test: prints the figures.
import { launch } from "./e2e/browser.mjs";
import { serve } from "./e2e/serve.mjs";

const root = new URL("../", import.meta.url).pathname;

const WORKLOAD = `
const hooks = [{ hook: "prestart" }, { hook: "prestart", sidecar: true }, null, null, { hook: "poststart" }, { hook: "poststop" }];
const tasks = Array.from({ length: 20 }, (_, i) => ({ name: "task-" + i, lifecycle: hooks[i % 6] }));
const settings = { horizonMs: 600000, restart: { attempts: 1000, intervalMs: 1800000, delayMs: 5000, mode: "fail" } };
const events = simulate(tasks, [], settings).length;
for (let i = 0; i < 20; i++) simulate(tasks, [], settings);
const runs = 200;
const t0 = performance.now();
for (let i = 0; i < runs; i++) simulate(tasks, [], settings);
const result = { events, msPerRun: (performance.now() - t0) / runs };
`;

const { simulate } = await import("../pkg/sim-node.js");
const node = new Function("simulate", `${WORKLOAD} return result;`)(simulate);
console.log(`node:     ${node.events} events, ${node.msPerRun.toFixed(3)} ms per 10-minute run`);

const server = await serve(root);
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}pkg/package.json`);
  const chromium = await page.evaluate(async (workload) => {
    const { simulate } = await import("/pkg/sim-browser.js");
    return new Function("simulate", `${workload} return result;`)(simulate);
  }, WORKLOAD);
  console.log(`chromium: ${chromium.events} events, ${chromium.msPerRun.toFixed(3)} ms per 10-minute run`);
} finally {
  await browser.close();
  await server.close();
}
