// The playground's two builds (src/playground/handover.rs): the first load
// has no run mode; showing run mode loads the run build once, which takes
// the page over where it was. Counted by the requests the page makes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { inRunBuild, phase, playground, ready, root } from "./harness.mjs";

const ctx = playground();

const card = (task) => `[data-task-card="${task}"]`;
const stateOf = (page, task) => page.getAttribute(`${card(task)} [role="radio"][aria-checked="true"]`, "data-state-button");

test("the first load has no run mode; the first switch to it loads the run build once, which keeps the page as it was", async () => {
  const page = await ctx.open();
  const firstLoad = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name.split("/").pop()));
  assert.deepEqual(firstLoad.filter((f) => f.startsWith("playground-run")), [], "nothing of the run build on the first load");
  assert.equal(await page.getAttribute("#playground", "data-build"), "first");
  page.runFetches = [];
  page.on("request", (r) => /playground-run/.test(r.url()) && page.runFetches.push(r.url().split("/").pop()));

  // Two reports, so there is a history to keep.
  await page.click(`${card("init")} [data-state-button="running"]`);
  await page.click(`${card("proxy")} [data-state-button="running"]`);
  const history = await page.getAttribute("[data-history]", "data-history");

  await page.click('[data-mode="run"]');
  await inRunBuild(page);
  assert.deepEqual(page.runFetches.sort(), ["playground-run.js", "playground-run_bg.wasm"]);
  assert.equal(await page.getAttribute('[data-mode="run"]', "aria-pressed"), "true");
  await page.waitForSelector('[data-run="play"]');
  assert.equal(await page.locator("#playground").count(), 1, "one app on the page");

  // Back to the switchboard: the reports and their history are there.
  await page.click('[data-mode="switchboard"]');
  await page.waitForSelector("[data-history]");
  assert.equal(await stateOf(page, "init"), "running");
  assert.equal(await stateOf(page, "proxy"), "running");
  assert.equal(await page.getAttribute("[data-history]", "data-history"), history);
  // And to run mode again: nothing more to fetch.
  await page.click('[data-mode="run"]');
  await page.waitForSelector('[data-run="play"]');
  assert.equal(page.runFetches.length, 2, page.runFetches.join(" "));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a link made in run mode opens in the run build, whole", async () => {
  const page = await ctx.open();
  await page.click('[data-mode="run"]');
  await inRunBuild(page);
  const link = await page.evaluate(() => location.hash);
  const opened = await ctx.open(link);
  await inRunBuild(opened);
  assert.equal(await opened.getAttribute('[data-mode="run"]', "aria-pressed"), "true");
  assert.equal(await phase(opened), await phase(page));
  assert.deepEqual(opened.problems, []);
  await opened.close();
  await page.close();
});

test("if the run build cannot be loaded, the switchboard stays, live, and says so", async () => {
  const page = await ctx.open();
  await page.route("**/playground-run_bg.wasm", (route) => route.abort());
  await page.click('[data-mode="run"]');
  await page.waitForSelector(".notice", { timeout: 10_000 });
  assert.match(await page.textContent(".notice"), /Run mode could not be loaded/);
  await ready(page);
  assert.equal(await page.getAttribute("#playground", "data-build"), "first");
  assert.equal(await page.getAttribute('[data-mode="switchboard"]', "aria-pressed"), "true");
  assert.equal(await page.getAttribute("#playground", "inert"), null, "the page is live again");
  await page.click(`${card("init")} [data-state-button="running"]`);
  assert.equal(await stateOf(page, "init"), "running");
  await page.close();
});

test("what the first load fetches weighs at most 160 KB gzipped (issue 10's budget)", async () => {
  const page = await ctx.open();
  const files = await page.evaluate(() => [location.pathname, ...performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname)]);
  const names = [...new Set(files.map((f) => (f.endsWith("/") ? "index.html" : f.split("/").pop())))];
  assert.ok(names.some((f) => f.endsWith("_bg.wasm")), names.join(" "));
  const sizes = names.map((f) => [f, gzipSync(readFileSync(`${root}dist/${f}`), { level: 9 }).length]);
  const total = sizes.reduce((sum, [, n]) => sum + n, 0);
  assert.ok(total <= 160_000, `the first load is ${total} bytes gzipped: ${JSON.stringify(sizes)}`);
  await page.close();
});
