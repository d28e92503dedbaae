// End-to-end tests of run mode (the simulated alloc runner), Nomad import,
// exports and the embed view, against the release bundle in dist/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inRunBuild, phase, playground, ready, root, shots } from "./harness.mjs";

const ctx = playground();
const open = (...args) => ctx.open(...args);
const fixture = (name) => readFileSync(`${root}tests/fixtures/${name}`, "utf8");

const taskNames = (page) => page.$$eval("[data-task-card]", (els) => els.map((e) => `${e.dataset.taskCard}:${e.dataset.stage}`));

/** Clicks `button` in the import panel and waits for the import worker's answer. */
async function importClick(page, button) {
  const answered = Number(await page.getAttribute("[data-import-answered]", "data-import-answered"));
  await page.click(`[data-import="${button}"]`);
  await page.waitForSelector(`[data-import-answered="${answered + 1}"]`);
}

async function importJob(page, text) {
  await page.fill('[data-import="jobspec"]', text);
  await importClick(page, "job");
}

test("each fixture jobspec imports its tasks and lifecycles", async () => {
  const page = await open();
  const workerRequests = [];
  page.on("request", (r) => /import-worker/.test(r.url()) && workerRequests.push(r.url()));
  await page.waitForTimeout(300);
  assert.deepEqual(workerRequests, [], "the first render loads no importer");
  await importJob(page, fixture("service-mesh.nomad.hcl"));
  // An imported job opens in run mode, which the run build shows.
  await inRunBuild(page);
  assert.equal(await page.inputValue('[data-import="jobspec"]'), fixture("service-mesh.nomad.hcl"), "the jobspec is still there");
  assert.deepEqual(await taskNames(page), ["migrate:prestart-ephemeral", "connect-proxy:prestart-sidecar", "web:main"]);
  assert.equal(await page.locator("[data-import-notes]").count(), 0, "`variable` blocks need no note");
  assert.equal(await phase(page), "prestart");

  await importJob(page, fixture("batch.nomad.hcl"));
  assert.deepEqual(await taskNames(page), ["report:main", "notify:poststart-ephemeral", "upload-results:poststop"]);

  await importJob(page, fixture("every-hook.nomad.hcl"));
  assert.deepEqual(await taskNames(page), ["report:main", "notify:poststart-ephemeral", "upload-results:poststop"], "waits for a group choice");
  await page.selectOption('[data-import="group"]', "0");
  await page.click('[data-import="use-group"]');
  assert.deepEqual(await taskNames(page), [
    "init:prestart-ephemeral", "proxy:prestart-sidecar", "app:main",
    "warm-up:poststart-ephemeral", "log-shipper:poststart-sidecar", "cleanup:poststop",
  ]);
  assert.match(await page.textContent("[data-import-notes]"), /`dynamic` block ignored/);

  await importJob(page, fixture("every-hook.inspect.json"));
  await page.selectOption('[data-import="group"]', "1");
  await page.click('[data-import="use-group"]');
  assert.deepEqual(await taskNames(page), ["redis:main"]);
  // The worker's loader, glue and wasm, each fetched once per build: by the
  // first for the first import, by the run build for the four after it.
  assert.equal(workerRequests.filter((u) => u.endsWith(".wasm")).length, 2, workerRequests.join(" "));
  assert.equal(workerRequests.filter((u) => u.endsWith("_loader.js")).length, 2, workerRequests.join(" "));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a malformed jobspec shows its error and loses nothing", async () => {
  const page = await open();
  const before = await taskNames(page);
  await page.click('[data-task-card="proxy"] [data-state-button="running"]');
  await importJob(page, 'job "x" {\n  group "g" {\n    task "t" {\n      driver = "docker\n');
  assert.match(await page.textContent("[data-import-error]"), /HCL syntax error at line 4, column \d+: .*Nothing was changed/);
  assert.deepEqual(await taskNames(page), before);
  assert.equal(await page.getAttribute('[data-task-card="proxy"] [data-state-button="running"]', "aria-checked"), "true");
  await page.screenshot({ path: `${shots}/08-import-error.png`, fullPage: true });
  await importJob(page, '{"Job": {"Name": "x", "TaskGroups": [{"Name": "g", "Tasks": [{"Name": "a"}, {"Name": "a"}]}]}}');
  assert.match(await page.textContent("[data-import-error]"), /group `g`: task 2 redefines `a` from task 1\. Nothing was changed\./);
  await importJob(page, readFileSync(`${root}tests/fixtures/hook-expression.nomad.hcl`, "utf8"));
  assert.match(await page.textContent("[data-import-error]"), /task `init`: `hook` at line 11 is an expression/);
  assert.deepEqual(await taskNames(page), before);
  assert.deepEqual(await taskNames(page), before);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("what an import skipped, and the reply count, carry into the run build", async () => {
  const page = await open();
  // The first build parses; the group chosen opens run mode, which the run
  // build shows in its place.
  await importJob(page, fixture("every-hook.nomad.hcl"));
  assert.equal(await page.getAttribute("#playground", "data-build"), "first");
  await page.selectOption('[data-import="group"]', "0");
  await page.click('[data-import="use-group"]');
  await inRunBuild(page);
  assert.match(await page.textContent("[data-import-notes]"), /`dynamic` block ignored/);
  assert.equal(await page.getAttribute("[data-import-answered]", "data-import-answered"), "1");
  await importJob(page, fixture("batch.nomad.hcl"));
  assert.equal(await page.locator("[data-import-notes]").count(), 0, "the next import's notes replace them");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("an import worker that cannot load says so, and the next import starts another", async () => {
  const page = await open();
  const before = await taskNames(page);
  // Its loader script first (the worker fails to start), then its wasm (a
  // rejected promise inside the worker, which its loader makes heard).
  for (const [file, why] of [["import-worker_loader.js", /its script could not be loaded/], ["import-worker_bg.wasm", /fetch/i]]) {
    await page.route(`**/${file}`, (route) => route.abort());
    await importJob(page, fixture("batch.nomad.hcl"));
    const error = await page.textContent("[data-import-error]");
    assert.match(error, /^the import worker stopped: /, file);
    assert.match(error, why, file);
    assert.match(error, /Nothing was changed\.$/, file);
    assert.equal(await page.getAttribute("[data-import-answered]", "aria-busy"), "false", file);
    assert.deepEqual(await taskNames(page), before, file);
    await page.unroute(`**/${file}`);
  }
  await importJob(page, fixture("batch.nomad.hcl"));
  await inRunBuild(page);
  assert.deepEqual(await taskNames(page), ["report:main", "notify:poststart-ephemeral", "upload-results:poststop"]);
  assert.equal(await page.locator("[data-import-error]").count(), 0);
  await page.close();
});

test("an allocation's task states are applied via restore", async () => {
  const page = await open();
  await importJob(page, fixture("every-hook.nomad.hcl"));
  await page.click('[data-import="use-group"]');
  await inRunBuild(page);
  await page.fill('[data-import="allocation"]', fixture("allocation.json"));
  await importClick(page, "apply-allocation");
  assert.equal(await phase(page), "wait_alloc");
  assert.equal(await page.getAttribute('[data-task-card="warm-up"] [data-state-button="failed"]', "aria-checked"), "true");
  assert.match(await page.textContent(".log"), /allocation applied via restore/);
  await page.close();
});

test("run mode plays a whole alloc to the end, in lifecycle order", async () => {
  const page = await open();
  await page.click('[data-mode="run"]');
  await inRunBuild(page);
  await page.selectOption('[data-run="speed"]', "8");
  await page.click('[data-run="play"]');
  await page.waitForSelector('[data-clock][data-finished="true"]', { timeout: 30_000 });
  assert.equal(await phase(page), "poststop");
  const started = Object.fromEntries(
    await page.$$eval("[data-timeline-task]", (els) => els.map((e) => [e.dataset.timelineTask, Number(e.dataset.startedAt)])),
  );
  for (const [a, b] of [["init", "web"], ["proxy", "web"], ["init", "api"], ["web", "warm-cache"], ["api", "log-shipper"], ["web", "cleanup"], ["log-shipper", "cleanup"]]) {
    assert.ok(started[a] < started[b], `${a} (${started[a]} ms) starts before ${b} (${started[b]} ms)`);
  }
  assert.ok(await page.locator("[data-phase-mark]").count() >= 4, "phase marks on the timeline");
  // The timeline explains itself: a legend, time ticks, phase labels that
  // neither collide nor run past its edge.
  const legend = await page.$$eval("svg.timeline [data-legend]", (els) => els.map((e) => e.dataset.legend));
  for (const item of ["pending", "running", "exited 0", "failed", "restarting", "killing", "killed", "phase change"]) {
    assert.ok(legend.includes(item), `legend has ${item}: ${legend}`);
  }
  assert.ok(await page.locator("svg.timeline [data-tick]").count() >= 3, "time ticks");
  const boxes = await page.$$eval("svg.timeline .phase-label", (els) => {
    const svg = document.querySelector("svg.timeline").getBoundingClientRect();
    return els.map((e) => {
      const r = e.getBoundingClientRect();
      return { left: r.left - svg.left, right: r.right - svg.left, top: r.top, bottom: r.bottom, width: svg.width };
    });
  });
  for (const [i, a] of boxes.entries()) {
    assert.ok(a.left >= 0 && a.right <= a.width, `phase label ${i} inside the timeline`);
    for (const b of boxes.slice(i + 1)) {
      const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
      assert.ok(apart, `phase labels collide: ${JSON.stringify([a, b])}`);
    }
  }
  await page.screenshot({ path: `${shots}/09-run-finished.png`, fullPage: true });
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("step mode advances one event at a time, and the same seed replays the same run", async () => {
  const page = await open();
  await page.click('[data-mode="run"]');
  await inRunBuild(page);
  const clock = async () => Number(await page.getAttribute("[data-clock]", "data-clock"));
  assert.equal(await clock(), 0);
  assert.equal(await phase(page), "prestart", "the alloc runner's first report happens at t=0");
  const times = [];
  for (let i = 0; i < 6; i++) {
    await page.click('[data-run="step"]');
    times.push(await clock());
  }
  assert.ok(times.every((t, i) => i === 0 || t > times[i - 1]), `each step moves the clock: ${times}`);
  assert.equal(await page.getAttribute('[data-task="proxy"]', "data-state"), "running");
  await page.click('[data-run="end"]');
  const first = await page.$$eval("[data-timeline-task]", (els) => els.map((e) => e.dataset.startedAt));
  await page.click('[data-run="reset"]');
  await page.click('[data-run="end"]');
  assert.deepEqual(await page.$$eval("[data-timeline-task]", (els) => els.map((e) => e.dataset.startedAt)), first);
  await page.fill('[data-run="seed"]', "2");
  await page.press('[data-run="seed"]', "Enter");
  await page.click('[data-run="end"]');
  assert.notDeepEqual(await page.$$eval("[data-timeline-task]", (els) => els.map((e) => e.dataset.startedAt)), first);
  await page.close();
});

test("the diagram exports as SVG and ASCII, the timeline as SVG", async () => {
  const page = await open();
  const download = async (selector) => {
    const [file] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
    return { name: file.suggestedFilename(), text: readFileSync(await file.path(), "utf8") };
  };
  const svg = await download('[data-export="svg"]');
  assert.equal(svg.name, "tasklifecycle-diagram.svg");
  assert.match(svg.text, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg.text, /<style>/);
  assert.match(svg.text, /data-gate="prestart-ephemeral" data-open="true"/);
  assert.match(svg.text, /<rect(?=[^>]*class="bg")(?=[^>]*fill="#ffffff")[^>]*>/, "an exported SVG carries its own background");
  const ascii = await download('[data-export="ascii"]');
  assert.equal(ascii.name, "tasklifecycle-diagram.txt");
  assert.match(ascii.text, /Current state: prestart/);
  assert.match(ascii.text, /┤ GATE ├── prestart-ephemeral: open/);
  assert.match(await page.textContent("[data-ascii]"), /COORDINATOR/);
  await page.click('[data-mode="run"]');
  await inRunBuild(page);
  await page.click('[data-run="end"]');
  const timeline = await download('[data-export="timeline"]');
  assert.equal(timeline.name, "tasklifecycle-timeline.svg");
  assert.match(timeline.text, /data-timeline-task="cleanup"/);
  assert.match(timeline.text, /<rect(?=[^>]*class="bg")(?=[^>]*fill="#ffffff")[^>]*>/);
  await page.close();
});

test("?embed shows the compact diagram-and-controls view", async () => {
  const page = await open("?embed#web=main,pending&cleanup=poststop,pending");
  assert.equal(await page.locator("[data-embed]").count(), 1);
  assert.equal(await page.locator(".toolbar").count(), 0, "no toolbar");
  assert.equal(await page.locator("[data-task-card]").count(), 2);
  assert.equal(await phase(page), "main");
  await page.click('[data-task-card="web"] [data-state-button="dead"]');
  assert.equal(await phase(page), "poststop");
  assert.equal(await page.getAttribute('[data-gate="poststop"]', "data-open"), "true");
  assert.match(await page.getAttribute(".embed-head a", "href"), /#web=main,pending&cleanup=poststop,pending&~h=1&~r=uydp,web%20%E2%86%92%20dead$/);
  await page.setViewportSize({ width: 480, height: 600 });
  await page.screenshot({ path: `${shots}/10-embed.png`, fullPage: true });
  assert.deepEqual(page.problems, []);
  await page.close();
});

/** Plays the run to its end at ×8 and returns each task's Nomad events (type list). */
async function playToEnd(page) {
  await page.selectOption('[data-run="speed"]', "8");
  await page.click('[data-run="end"]');
  await page.waitForSelector('[data-clock][data-finished="true"]');
}

async function eventsOf(page, task) {
  if ((await page.getAttribute(`[data-events-of="${task}"]`, "aria-pressed")) !== "true") {
    await page.click(`[data-events-of="${task}"]`);
  }
  return page.$$eval(`[data-events="${task}"] tr[data-event-type]`, (rows) =>
    rows.map((r) => [r.dataset.eventType, r.cells[2].textContent]),
  );
}

test("preset: an init task fails twice, is retried, then main runs", async () => {
  const page = await open();
  await page.click('[data-preset="flaky-init"]');
  await playToEnd(page);
  const migrate = await eventsOf(page, "migrate");
  const types = migrate.map(([t]) => t);
  assert.deepEqual(types.filter((t) => t === "Restarting").length, 2, types.join(","));
  assert.match(migrate.find(([t]) => t === "Restarting")[1], /^Task restarting in 1[5-8](\.\d+)?s$/);
  assert.equal(types.at(-1), "Terminated", "the third run exits 0 and is done");
  const web = await eventsOf(page, "web");
  assert.ok(web.some(([t]) => t === "Started"), "main started after the init task succeeded");
  assert.equal(await page.getAttribute('[data-clock]', "data-status"), "nothing more happens", "web runs until killed");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("preset: a service task that exits 0 is restarted until it fails", async () => {
  const page = await open();
  await page.click('[data-preset="service-exit-0"]');
  await playToEnd(page);
  const web = await eventsOf(page, "web");
  const types = web.map(([t]) => t);
  assert.deepEqual(types.filter((t) => t === "Terminated").length, 3);
  assert.ok(web.filter(([t]) => t === "Terminated").every(([, m]) => m === "Exit Code: 0"), "every exit was a success");
  assert.equal(types.at(-1), "Not Restarting");
  assert.equal(web.at(-1)[1], 'Exceeded allowed attempts 2 in interval 30m0s and mode is "fail"');
  assert.equal(await page.getAttribute('[data-clock]', "data-status"), "finished");
  await page.screenshot({ path: `${shots}/11-service-exit-0.png`, fullPage: true });
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("preset: an init task exhausts its attempts; siblings are killed, poststop runs", async () => {
  const page = await open();
  await page.click('[data-preset="init-exhausted"]');
  await playToEnd(page);
  const migrate = (await eventsOf(page, "migrate")).map(([t]) => t);
  assert.equal(migrate.at(-1), "Not Restarting");
  const proxy = (await eventsOf(page, "proxy")).map(([t]) => t);
  assert.deepEqual(proxy.slice(-4), ["Sibling Task Failed", "Killing", "Terminated", "Killed"]);
  const web = (await eventsOf(page, "web")).map(([t]) => t);
  assert.ok(!web.includes("Started") && web.includes("Sibling Task Failed"), web.join(","));
  const cleanup = (await eventsOf(page, "cleanup")).map(([t]) => t);
  assert.ok(cleanup.includes("Started"), "poststop ran");
  assert.equal(await phase(page), "poststop");
  assert.equal(await page.getAttribute('[data-clock]', "data-status"), "finished");
  // The switchboard's own controls are hidden in run mode.
  for (const control of ["all pending", "restart", "restore"]) {
    assert.equal(await page.locator(`[data-control="${control}"]`).count(), 0, control);
  }
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("run mode's allocation controls: restart running tasks, then stop", async () => {
  const page = await open("#web=main,pending&bye=poststop,pending");
  await page.click('[data-mode="run"]');
  await inRunBuild(page);
  await page.click('[data-run="step"]'); // web starts
  await page.click('[data-run="restart-running"]');
  await page.click('[data-run="step"]'); // web exits and restarts at once
  await page.click('[data-run="step"]'); // and runs again
  await page.click('[data-run="stop"]');
  await playToEnd(page);
  const web = (await eventsOf(page, "web")).map(([t]) => t);
  assert.deepEqual(web.slice(2), [
    "Started", "Restart Signaled", "Terminated", "Restarting", "Started", "Killing", "Terminated", "Killed",
  ]);
  const bye = (await eventsOf(page, "bye")).map(([t]) => t);
  assert.ok(bye.includes("Started"), "poststop runs after a stop");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a share link made in run mode reopens the run: job type, seed and behaviours", async () => {
  const page = await open("#init=prestart-ephemeral,pending&web=main,pending");
  await page.click('[data-mode="run"]');
  await inRunBuild(page);
  await page.selectOption('[data-run="job-type"]', "batch");
  await page.fill('[data-run="seed"]', "7");
  await page.press('[data-run="seed"]', "Enter");
  await page.check('[data-behaviour="init"] input[aria-label="init fails"]');
  await page.waitForFunction(() => location.hash.includes("~run=batch,7") && location.hash.includes("~t.0="));
  const link = await page.inputValue("[data-share]");
  const again = await ctx.browser.newPage();
  await again.goto(link);
  await ready(again);
  assert.equal(await again.getAttribute('[data-mode="run"]', "aria-pressed"), "true");
  assert.equal(await again.inputValue('[data-run="job-type"]'), "batch");
  assert.equal(await again.inputValue('[data-run="seed"]'), "7");
  assert.equal(await again.isChecked('[data-behaviour="init"] input[aria-label="init fails"]'), true);
  await again.close();
  // An old link (tasks and states only) still opens, in switchboard mode.
  const old = await ctx.browser.newPage();
  await old.goto(link.split("&~")[0]);
  await ready(old);
  assert.equal(await old.getAttribute('[data-mode="switchboard"]', "aria-pressed"), "true");
  assert.equal(await old.locator("[data-task-card]").count(), 2);
  await old.close();
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a script of runs and the group's restart policy are edited in run mode", async () => {
  const page = await open("#migrate=prestart-ephemeral,pending&web=main,pending");
  await page.click('[data-mode="run"]');
  await inRunBuild(page);
  // "Fails twice, then exits 0": the first run fails, the later runs follow.
  await page.check('[data-behaviour="migrate"] input[aria-label="migrate fails"]');
  await page.fill('[data-script="migrate"]', "500:2000:1; 500:2000:0");
  await page.press('[data-script="migrate"]', "Enter");
  await playToEnd(page);
  let migrate = (await eventsOf(page, "migrate")).map(([t]) => t);
  assert.equal(migrate.filter((t) => t === "Restarting").length, 2, migrate.join(","));
  assert.equal(migrate.at(-1), "Terminated");
  assert.ok((await eventsOf(page, "web")).some(([t]) => t === "Started"));
  // No attempts allowed: the first failure is final.
  await page.fill('[data-group-policy="attempts "]', "0");
  await page.press('[data-group-policy="attempts "]', "Enter");
  await playToEnd(page);
  const last = (await eventsOf(page, "migrate")).at(-1);
  assert.deepEqual(last, ["Not Restarting", "Policy allows no restarts"]);
  assert.ok(await page.evaluate(() => location.hash.includes("~run=service,1,0,1800000,15000,fail")));
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("run mode restarts or kills one task: killing the leader kills the group", async () => {
  const page = await open("#web=main,pending&logs=poststart-sidecar,pending");
  await page.click('[data-mode="run"]');
  await inRunBuild(page);
  await page.click('[data-run="step"]'); // web starts
  await page.click('[data-events-of="web"]');
  await page.click('[data-run="restart-task"]');
  await page.click('[data-run="step"]');
  let web = (await eventsOf(page, "web")).map(([t]) => t);
  assert.ok(web.includes("Restart Signaled"), web.join(","));
  // Step until web runs again, then kill it.
  for (let i = 0; i < 5 && web.at(-1) !== "Started"; i++) {
    await page.click('[data-run="step"]');
    web = (await eventsOf(page, "web")).map(([t]) => t);
  }
  assert.equal(web.at(-1), "Started", web.join(","));
  await page.click('[data-run="kill-task"]');
  await playToEnd(page);
  web = (await eventsOf(page, "web")).map(([t]) => t);
  assert.equal(web.at(-1), "Killed");
  const logs = (await eventsOf(page, "logs")).map(([t]) => t);
  assert.ok(logs.includes("Main Tasks Dead"), `web was the only main task: ${logs.join(",")}`);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("from the keyboard, “To the end” keeps the focus when the run is over", async () => {
  const page = await open();
  await page.click('[data-mode="run"]');
  await inRunBuild(page);
  await page.focus('[data-run="end"]');
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-clock][data-finished="true"]');
  const focused = await page.evaluate(() => document.activeElement?.dataset.run);
  assert.equal(focused, "end", "focus stays on the button instead of dropping to the page");
  assert.equal(await page.getAttribute('[data-run="end"]', "aria-disabled"), "true");
  assert.equal(await page.getAttribute('[data-run="step"]', "aria-disabled"), "true");
  // Pressing it again does nothing, and Tab goes on to the next control.
  const clock = await page.textContent("[data-clock]");
  await page.keyboard.press("Enter");
  assert.equal(await page.textContent("[data-clock]"), clock);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.run), "reset");
  assert.deepEqual(page.problems, []);
  await page.close();
});
