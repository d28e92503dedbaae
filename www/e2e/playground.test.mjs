// End-to-end tests of the playground: the release bundle in dist/ (make
// build-web), served on 127.0.0.1, driven in Debian's headless Chromium.
// Screenshots of the key states go to test-output/playground/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inRunBuild, phase, playground, ready, shots } from "./harness.mjs";

const ctx = playground();
const open = (...args) => ctx.open(...args);

const gateOpen = async (page, stage) => (await page.getAttribute(`[data-gate="${stage}"]`, "data-open")) === "true";
const setState = (page, task, state) => page.click(`[data-task-card="${task}"] [data-state-button="${state}"]`);

async function expectGates(page, open, closed) {
  for (const stage of open) assert.equal(await gateOpen(page, stage), true, `${stage} should be open`);
  for (const stage of closed) assert.equal(await gateOpen(page, stage), false, `${stage} should be closed`);
}

/** Waits until the task runner's real wait has (or has not) resolved. */
const expectWaiting = (page, task, waiting) =>
  page.waitForSelector(`[data-task="${task}"][data-waiting="${waiting}"]`, { timeout: 5_000 });

function noProblems(page) {
  assert.deepEqual(page.problems, [], "no console errors, page errors or dialogs");
}

test("loads the default preset, with a favicon and no console errors", async () => {
  const page = await open();
  assert.equal(await phase(page), "prestart");
  assert.equal(await page.locator("[data-task-card]").count(), 7);
  assert.match(await page.title(), /Nomad task lifecycle/);
  assert.ok(await page.locator('link[rel="icon"]').count());
  await page.screenshot({ path: `${shots}/01-default-prestart.png`, fullPage: true });
  noProblems(page);
  await page.close();
});

test("the first frame shows the diagram alone; the task switches, then the other panels, follow a frame apart", async () => {
  const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(() => {
    // For each part: the number of animation frames seen before it entered the DOM.
    window.__frames = 0;
    window.__seen = {};
    const tick = () => {
      window.__frames += 1;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    new MutationObserver(() => {
      for (const [part, selector] of [["diagram", "[data-phase]"], ["tasks", ".tasks-panel"], ["fsm", ".fsm-panel"], ["log", ".log-panel"]]) {
        if (window.__seen[part] === undefined && document.querySelector(selector)) window.__seen[part] = window.__frames;
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(ctx.server.url);
  await ready(page);
  const seen = await page.evaluate(() => window.__seen);
  assert.ok(seen.tasks > seen.diagram, `the task switches come in a later frame than the diagram: ${JSON.stringify(seen)}`);
  assert.ok(seen.fsm > seen.tasks && seen.log === seen.fsm, `then the FSM and the log: ${JSON.stringify(seen)}`);
  assert.equal(await page.locator("[data-task-card]").count(), 7, "and the page is whole");
  await page.close();
});

test("every preset loads", async () => {
  const page = await open();
  const presets = await page.$$eval("[data-preset]", (els) => els.map((e) => e.dataset.preset));
  assert.ok(presets.length >= 5, `${presets.length} presets`);
  const want = {
    "main-only": ["main", 1], init: ["prestart", 2], "service-mesh": ["prestart", 2], poststart: ["main", 3],
    poststop: ["main", 2], full: ["prestart", 7],
    // Scenes about time open in run mode.
    "flaky-init": ["prestart", 2, "run"], "service-exit-0": ["main", 1, "run"], "init-exhausted": ["prestart", 4, "run"],
  };
  assert.deepEqual(presets.sort(), Object.keys(want).sort());
  for (const id of presets) {
    await page.click('[data-mode="switchboard"]');
    await page.click(`[data-preset="${id}"]`);
    const [wantPhase, tasks, mode = "switchboard"] = want[id];
    if (mode === "run") {
      await inRunBuild(page); // which shows run mode
    }
    assert.equal(await phase(page), wantPhase, id);
    assert.equal(await page.locator("[data-task-card]").count(), tasks, id);
    assert.equal(await page.getAttribute(`[data-mode="${mode}"]`, "aria-pressed"), "true", id);
    // The preset shown is pressed, and only it (two presets share a task list).
    const pressed = await page.$$eval('[data-preset][aria-pressed="true"]', (els) => els.map((e) => e.dataset.preset));
    assert.deepEqual(pressed, [id]);
  }
  noProblems(page);
  await page.close();
});

test("a whole lifecycle: gates open and close as Nomad's coordinator says", async () => {
  const page = await open();
  const pre = ["prestart-ephemeral", "prestart-sidecar"];
  await expectGates(page, pre, ["main", "poststart-ephemeral", "poststart-sidecar", "poststop"]);
  await expectWaiting(page, "init", false);
  await expectWaiting(page, "web", true);
  // As in Nomad's drawing: the coordinator's Open/Close line is solid even to a
  // closed gate; only the gate's line to its runners is dashed.
  const dash = (sel) => page.$eval(sel, (e) => getComputedStyle(e).strokeDasharray);
  assert.equal(await dash('[data-gate="main"] .control'), "none");
  assert.notEqual(await dash('[data-task="web"] .wire'), "none", "a closed gate's wire is dashed");
  assert.match(await page.textContent('[data-gate="main"]'), /main: closed/, "open or closed is said in words too");

  await setState(page, "proxy", "running");
  await setState(page, "init", "running");
  assert.equal(await phase(page), "prestart");
  assert.match(await page.textContent('[data-explain="web"]'), /waiting for prestart task `init` to finish successfully/);
  await setState(page, "init", "dead");
  assert.equal(await phase(page), "main");
  await expectGates(page, ["prestart-sidecar", "main"], ["prestart-ephemeral", "poststart-ephemeral", "poststop"]);
  await expectWaiting(page, "web", false);
  // init exited: its gate closed behind it, but it waits for nothing.
  await expectWaiting(page, "init", false);
  assert.equal(await page.getAttribute('[data-task="init"]', "data-status"), "exited");
  assert.match(await page.textContent('[data-explain="init"]'), /exited 0: it waits for nothing/);
  assert.doesNotMatch(await page.textContent('[data-explain="init"]'), /blocked|waiting for/);
  await page.screenshot({ path: `${shots}/02-main.png`, fullPage: true });

  await setState(page, "web", "running");
  assert.equal(await phase(page), "main", "api is still pending");
  await setState(page, "api", "running");
  assert.equal(await phase(page), "poststart");
  await expectGates(page, ["prestart-sidecar", "main", "poststart-ephemeral", "poststart-sidecar"], ["poststop"]);
  await expectWaiting(page, "warm-cache", false);
  await page.screenshot({ path: `${shots}/03-poststart.png`, fullPage: true });

  await setState(page, "log-shipper", "running");
  await setState(page, "warm-cache", "failed");
  assert.equal(await phase(page), "wait_alloc");
  await expectGates(page, ["prestart-sidecar", "main", "poststart-sidecar"], ["poststart-ephemeral", "poststop"]);

  for (const task of ["web", "api", "proxy"]) await setState(page, task, "dead");
  assert.equal(await phase(page), "wait_alloc", "the log shipper still runs");
  await setState(page, "log-shipper", "dead");
  assert.equal(await phase(page), "poststop");
  await expectGates(page, ["poststop"], ["prestart-sidecar", "main", "poststart-sidecar"]);
  await expectWaiting(page, "cleanup", false);
  await setState(page, "cleanup", "running");
  await setState(page, "cleanup", "dead");
  assert.equal(await phase(page), "poststop");
  await page.screenshot({ path: `${shots}/04-poststop.png`, fullPage: true });

  const log = await page.textContent(".log");
  for (const step of ["init → prestart", "prestart → main", "main → poststart", "poststart → wait_alloc", "wait_alloc → poststop"]) {
    assert.ok(log.includes(step), `log mentions ${step}`);
  }
  assert.match(log, /init → dead — prestart → main; opened main; closed prestart-ephemeral/);
  noProblems(page);
  await page.close();
});

test("restart goes back to init until every task is pending again", async () => {
  const page = await open();
  await setState(page, "proxy", "running");
  await page.click('[data-control="restart"]');
  assert.equal(await phase(page), "init");
  await expectGates(page, [], ["prestart-ephemeral", "prestart-sidecar", "main", "poststop"]);
  await expectWaiting(page, "init", true);
  assert.match(await page.textContent('[data-explain="init"]'), /waiting for prestart sidecar `proxy` to be reported pending/);
  await page.screenshot({ path: `${shots}/05-restarted.png`, fullPage: true });
  await page.click('[data-control="all pending"]');
  assert.equal(await phase(page), "prestart");
  noProblems(page);
  await page.close();
});

test("a share link reopens the same tasks and states in a new page", async () => {
  const page = await open();
  await page.click('[data-preset="service-mesh"]');
  await setState(page, "connect-proxy", "running");
  assert.equal(await phase(page), "main");
  const link = await page.inputValue("[data-share]");
  // The tasks as loaded, then the history of reports since (replayed on open).
  assert.match(link, /#connect-proxy=prestart-sidecar,pending&web=main,pending&~h=1&~r=uyrp,connect-proxy%20%E2%86%92%20running$/);
  const again = await ctx.browser.newPage();
  await again.goto(link);
  await ready(again);
  assert.equal(await phase(again), "main");
  assert.equal(await again.getAttribute('[data-task-card="connect-proxy"] [data-state-button="running"]', "aria-checked"), "true");
  assert.equal(await gateOpen(again, "main"), true);
  await again.close();
  noProblems(page);
  await page.close();
});

test("a malformed or hostile hash shows a message and the default preset", async () => {
  for (const hash of ["#garbage", "#web=main,asleep", '#<img src=x onerror=alert(1)>=main,bogus', "#%E0%A4%A=main,running"]) {
    const page = await open(hash);
    const alert = await page.textContent(".notice");
    assert.match(alert, /share link: .*Showing the default preset instead/, hash);
    assert.equal(await page.locator("[data-task-card]").count(), 7, "the default preset");
    assert.equal(await page.locator("img").count(), 0, "nothing injected");
    noProblems(page);
    if (hash.includes("img")) await page.screenshot({ path: `${shots}/06-bad-link.png` });
    await page.close();
  }
});

test("a state toggle works from the keyboard alone", async () => {
  const page = await open();
  // Each task's states are one radio group: Tab reaches its checked radio.
  const checked = '[data-task-card="proxy"] [role="radio"][aria-checked="true"]';
  let found = false;
  for (let i = 0; i < 80 && !found; i++) {
    await page.keyboard.press("Tab");
    found = await page.$eval(checked, (el) => el === document.activeElement);
  }
  assert.ok(found, "proxy's state radio group is reachable with Tab");
  await page.keyboard.press("ArrowRight"); // pending → running
  const running = '[data-task-card="proxy"] [data-state-button="running"]';
  assert.equal(await page.getAttribute(running, "aria-checked"), "true");
  assert.ok(await page.$eval(running, (el) => el === document.activeElement), "the focus follows the report");
  await page.keyboard.press("ArrowRight"); // → dead
  assert.equal(await page.getAttribute('[data-task-card="proxy"] [data-state-button="dead"]', "aria-checked"), "true");
  // Space or Enter on a radio reports it too.
  await page.focus('[data-task-card="proxy"] [data-state-button="failed"]');
  await page.keyboard.press("Space");
  assert.equal(await page.getAttribute('[data-task-card="proxy"] [data-state-button="failed"]', "aria-checked"), "true");
  noProblems(page);
  await page.close();
});

test("edits are validated like the coordinator validates them", async () => {
  const page = await open();
  const name = '[data-task-card="api"] input[type=text]';
  await page.fill(name, "web");
  await page.press(name, "Enter");
  assert.match(await page.textContent(".edit-error"), /duplicate task name `web`/);
  assert.equal(await page.locator('[data-task-card="api"]').count(), 1, "nothing changed");
  await page.fill(name, "");
  await page.press(name, "Enter");
  assert.equal(await page.textContent('[data-task-card="api"] .edit-error'), "a task needs a name", "said beside the task, no off-by-one position");
  await page.fill(name, "api-v2");
  await page.press(name, "Enter");
  assert.equal(await page.locator('[data-task-card="api-v2"]').count(), 1);
  assert.equal(await page.locator(".edit-error").count(), 0);
  assert.equal(await page.locator('[data-preset][aria-pressed="true"]').count(), 0, "an edited group is no preset");
  await page.click("text=+ Add a task");
  assert.equal(await page.locator("[data-task-card]").count(), 8);
  await page.selectOption('[data-task-card="task-1"] select', "poststart");
  assert.equal(await page.getAttribute('[data-task-card="task-1"]', "data-stage"), "poststart-ephemeral");
  await page.check('[data-task-card="task-1"] input[type=checkbox]');
  assert.equal(await page.getAttribute('[data-task-card="task-1"]', "data-stage"), "poststart-sidecar");
  await page.click('[aria-label="Delete task-1"]');
  assert.equal(await page.locator("[data-task-card]").count(), 7);
  noProblems(page);
  await page.close();
});

test("the layout works at 375 px", async () => {
  const page = await open("", { width: 375, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  await setState(page, "proxy", "running");
  await page.screenshot({ path: `${shots}/07-mobile-375.png`, fullPage: true });
  // Run mode too: its settings become cards, its controls wrap.
  await page.click('[data-mode="run"]');
  await inRunBuild(page);
  await page.click('[data-events-of="web"]');
  const runOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(runOverflow <= 0, `run mode scrolls sideways by ${runOverflow}px`);
  await page.screenshot({ path: `${shots}/12-run-mode-375.png`, fullPage: true });
  // Every control a finger may tap is at least 24 × 24 px (WCAG 2.5.8).
  const small = await page.$$eval("button, select, input:not([type=file]), textarea", (els) =>
    els
      .filter((e) => e.offsetParent !== null)
      .map((e) => [e.getAttribute("aria-label") ?? e.textContent.trim().slice(0, 20), e.getBoundingClientRect()])
      .filter(([, r]) => r.width < 24 || r.height < 24)
      .map(([name, r]) => `${name} ${Math.round(r.width)}×${Math.round(r.height)}`),
  );
  assert.deepEqual(small, [], "tap targets under 24 px");
  noProblems(page);
  await page.close();
});

test("the dark theme follows the reader's system setting", async () => {
  const page = await ctx.browser.newPage({ colorScheme: "dark", viewport: { width: 1280, height: 900 } });
  await page.goto(`${ctx.server.url}#init=prestart-ephemeral,pending&web=main,pending`);
  await ready(page);
  const colors = await page.evaluate(() => ({
    page: getComputedStyle(document.documentElement).backgroundColor,
    text: getComputedStyle(document.querySelector(".diagram text")).fill,
    box: getComputedStyle(document.querySelector(".diagram .coordinator rect")).fill,
  }));
  assert.equal(colors.page, "rgb(11, 17, 32)");
  assert.equal(colors.text, "rgb(226, 232, 240)", "light text on the dark diagram");
  assert.equal(colors.box, "rgb(30, 41, 59)");
  await page.screenshot({ path: `${shots}/13-dark.png`, fullPage: true });
  await page.close();
});

test("served from a subfolder of a docs site, the full view, the embed and the importer work", async (t) => {
  const { mkdtempSync, symlinkSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { serve } = await import("./serve.mjs");
  const site = mkdtempSync(join(tmpdir(), "tasklifecycle-site-"));
  t.after(() => rmSync(site, { recursive: true, force: true }));
  symlinkSync(new URL("../../dist", import.meta.url).pathname, join(site, "playground"));
  const server = await serve(site);
  try {
    for (const path of ["playground/", "playground/?embed#init=prestart-ephemeral,pending&web=main,pending"]) {
      const page = await ctx.browser.newPage();
      const failed = [];
      page.on("response", (r) => r.status() >= 400 && failed.push(r.url()));
      await page.goto(server.url + path);
      await ready(page);
      assert.deepEqual(failed, [], path);
      await page.close();
    }
    // The import worker loads from the subfolder too, and so does the run
    // build, which shows the imported job (it opens in run mode).
    const page = await ctx.browser.newPage();
    const failed = [];
    page.on("response", (r) => r.status() >= 400 && failed.push(r.url()));
    await page.goto(`${server.url}playground/`);
    await page.fill('[data-import="jobspec"]', 'job "j" {\n  group "g" {\n    task "t" {}\n  }\n}\n');
    await page.click('[data-import="job"]');
    await inRunBuild(page);
    await page.waitForSelector('[data-task-card="t"]');
    assert.deepEqual(failed, []);
    await page.close();
  } finally {
    await server.close();
  }
});
