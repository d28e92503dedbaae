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

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function runPage(url) {
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  await page.goto(url);
  await page.waitForFunction(() => document.title.startsWith("done"), null, { timeout: 10_000 });
  const title = await page.title();
  await page.close();
  assert.deepEqual(problems, []);
  return title;
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
  const server = await serve(dir);
  try {
    assert.equal(await runPage(server.url), "done main prestart,web");
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
  assert.ok(assets.some((f) => f.endsWith(".wasm")), `the wasm is emitted as an asset: ${assets}`);
  const server = await serve(join(dir, "dist"));
  try {
    assert.equal(await runPage(server.url), "done main prestart,web");
  } finally {
    await server.close();
  }
});
