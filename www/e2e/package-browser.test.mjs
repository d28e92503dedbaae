// The npm package in browsers: a plain <script type="module"> importing
// browser.js, and an app bundled by Vite from the packed tarball, both run in
// headless Chromium.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch } from "./browser.mjs";
import { serve } from "./serve.mjs";

const root = new URL("../../", import.meta.url).pathname;
const vite = new URL("../node_modules/vite/bin/vite.js", import.meta.url).pathname;

/** A page script: a whole lifecycle through the package, result in the title. */
const LIFECYCLE = `
const c = new Coordinator([{ name: "init", lifecycle: { hook: "prestart" } }, { name: "web" }]);
const order = [];
const web = c.startConditionForTask("web").then(() => order.push("web"));
c.taskStateUpdated({ init: { state: "pending" }, web: { state: "pending" } });
order.push(c.state);
c.setTaskState("init", { state: "dead" });
await web;
document.title = "done " + c.state + " " + order.join(",");
`;

/** The same, plus the sim entry: a simulated batch alloc and the ASCII export. */
const WITH_SIM = `
const events = simulate([{ name: "job" }], [{ runMs: 10 }], { jobType: "batch", jitter: 0 });
const ascii = renderAscii(new Coordinator([{ name: "job" }]));
document.title = "done " + events.filter((e) => e.event).map((e) => e.event.type).join(",") + (ascii.includes("GATE") ? " ascii" : "");
`;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Runs the page at `url`; returns its title and the .wasm files it fetched. */
async function runPage(url) {
  const page = await browser.newPage();
  const problems = [];
  const wasm = [];
  page.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(r.url().split("/").pop()));
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  await page.goto(url);
  await page.waitForFunction(() => document.title.startsWith("done"), null, { timeout: 10_000 });
  const title = await page.title();
  await page.close();
  assert.deepEqual(problems, []);
  return { title, wasm };
}

test("a plain <script type=module> imports the package and runs a lifecycle", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tasklifecycle-plain-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync("cp", ["-r", join(root, "pkg"), join(dir, "pkg")]);
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><title>loading</title><link rel="icon" href="data:,"><script type="module">
import { Coordinator } from "./pkg/browser.js";
${LIFECYCLE}
</script>`,
  );
  writeFileSync(
    join(dir, "sim.html"),
    `<!doctype html><title>loading</title><link rel="icon" href="data:,"><script type="module">
import { Coordinator } from "./pkg/browser.js";
import { renderAscii, simulate } from "./pkg/sim-browser.js";
${WITH_SIM}
</script>`,
  );
  const server = await serve(dir);
  try {
    const core = await runPage(server.url);
    assert.equal(core.title, "done main prestart,web");
    assert.deepEqual(core.wasm, ["tasklifecycle_wasm_bg.wasm"], "the core entry fetches only the core wasm");
    const sim = await runPage(`${server.url}sim.html`);
    assert.equal(sim.title, "done Received,Task Setup,Started,Terminated ascii");
    assert.deepEqual(sim.wasm.sort(), ["tasklifecycle_sim_wasm_bg.wasm", "tasklifecycle_wasm_bg.wasm"]);
  } finally {
    await server.close();
  }
});

test("Vite bundles the packed package; the bundle runs a lifecycle", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tasklifecycle-vite-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", dir, "--silent"]);
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "vite-app", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", `./${tarball}`], { cwd: dir });
  writeFileSync(join(dir, "index.html"), `<!doctype html><title>loading</title><link rel="icon" href="data:,"><script type="module" src="/main.js"></script>`);
  writeFileSync(join(dir, "main.js"), `import { Coordinator } from "tasklifecycle";\n${LIFECYCLE}`);
  execFileSync(process.execPath, [vite, "build", "--logLevel", "error"], { cwd: dir, timeout: 120_000 });
  const assets = readdirSync(join(dir, "dist", "assets"));
  assert.equal(assets.filter((f) => f.endsWith(".wasm")).length, 1, `only the core wasm is emitted: ${assets}`);
  const server = await serve(join(dir, "dist"));
  try {
    assert.equal((await runPage(server.url)).title, "done main prestart,web");
  } finally {
    await server.close();
  }
  // The sim entry, bundled the same way.
  writeFileSync(join(dir, "main.js"), `import { Coordinator } from "tasklifecycle";\nimport { renderAscii, simulate } from "tasklifecycle/sim";\n${WITH_SIM}`);
  execFileSync(process.execPath, [vite, "build", "--logLevel", "error"], { cwd: dir, timeout: 120_000 });
  const simServer = await serve(join(dir, "dist"));
  try {
    const sim = await runPage(simServer.url);
    assert.equal(sim.title, "done Received,Task Setup,Started,Terminated ascii");
    assert.equal(sim.wasm.length, 2);
  } finally {
    await simServer.close();
  }
});
