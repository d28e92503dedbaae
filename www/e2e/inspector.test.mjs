// The switchboard as an inspector: each task's states as one radio group
// (one tab stop, arrow keys), every report in the log with who made it, a
// report Nomad could not make flagged in place, and "Nomad's alloc runner
// would now…" whose "apply" reaches the states the simulator reaches from
// the same position (compared here with the npm package's simulate()).
import { test } from "node:test";
import assert from "node:assert/strict";
import { inRunBuild, phase, playground, shots } from "./harness.mjs";
import { simulate } from "../../pkg/sim-node.js";

const ctx = playground();

const card = (task) => `[data-task-card="${task}"]`;
const stateOf = (page, task) => page.getAttribute(`${card(task)} [role="radio"][aria-checked="true"]`, "data-state-button");
const setState = (page, task, state) => page.click(`${card(task)} [data-state-button="${state}"]`);

/** The group as the npm package takes it, read from the page's task cards. */
async function group(page) {
  const cards = await page.$$eval("[data-task-card]", (els) => els.map((e) => [e.dataset.taskCard, e.dataset.stage]));
  return cards.map(([name, stage]) => {
    if (stage === "main") return { name };
    const [hook, kind] = stage.split("-");
    return { name, lifecycle: { hook, sidecar: kind === "sidecar" } };
  });
}

/** Each task's state at the end of a simulated run, as the page labels it. */
function simulatedEnd(tasks, behaviours) {
  const events = simulate(tasks, behaviours, { seed: 1, jitter: 0, jobType: "batch", restart: { attempts: 0, intervalMs: 1000, delayMs: 1000, mode: "fail" } });
  const end = {};
  for (const e of events) if (e.type === "task") end[e.task] = e.state.failed && e.state.state === "dead" ? "failed" : e.state.state;
  return end;
}

/** Applies the one kill the panel offers; returns every task's state after. */
async function applyKill(page, cause) {
  const reaction = page.locator("[data-reaction]", { hasText: cause });
  assert.match(await reaction.textContent(), /^Kill /);
  await reaction.locator("[data-apply]").click();
  const names = await page.$$eval("[data-task-card]", (els) => els.map((e) => e.dataset.taskCard));
  const states = {};
  for (const name of names) states[name] = await stateOf(page, name);
  const last = page.locator(".log li").first();
  assert.equal(await last.getAttribute("data-who"), "apply");
  assert.match(await last.textContent(), new RegExp(`kill .*\\(${cause}\\)`));
  return states;
}

/** Non-poststop tasks' states must match the simulator's. */
function sameAsSimulator(tasks, page, sim) {
  for (const t of tasks) {
    if (t.lifecycle?.hook === "poststop") continue;
    assert.equal(page[t.name], sim[t.name], `${t.name}: page ${JSON.stringify(page)}, simulator ${JSON.stringify(sim)}`);
  }
}

test("each task's states are one radio group: one tab stop, arrow keys report", async () => {
  const page = await ctx.open("#migrate=prestart-ephemeral,pending&web=main,pending");
  for (const task of ["migrate", "web"]) {
    assert.equal(await page.locator(`${card(task)} [role="radio"][tabindex="0"]`).count(), 1, task);
    assert.equal(await page.locator(`${card(task)} [role="radio"][tabindex="-1"]`).count(), 3, task);
  }
  await page.focus(`${card("migrate")} [data-state-button="pending"]`);
  await page.keyboard.press("ArrowRight");
  await page.waitForSelector(`${card("migrate")} [data-state-button="running"][aria-checked="true"]`);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.stateButton), "running", "the focus follows");
  await page.keyboard.press("ArrowRight");
  await page.waitForSelector(`${card("migrate")} [data-state-button="dead"][aria-checked="true"]`);
  assert.equal(await phase(page), "main", "migrate exited: the main gate opened");
  await page.keyboard.press("End");
  await page.waitForSelector(`${card("migrate")} [data-state-button="failed"][aria-checked="true"]`);
  await page.keyboard.press("Home");
  await page.waitForSelector(`${card("migrate")} [data-state-button="pending"][aria-checked="true"]`);
  // Every report is logged, with who made it, even one that moved nothing.
  const whos = await page.$$eval(".log li", (els) => els.map((e) => e.dataset.who));
  assert.deepEqual(whos.slice(0, 4), ["you", "you", "you", "you"]);
  assert.ok(whos.includes("page"), "the new coordinator's first report");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a report Nomad's task runner could not make is flagged in place, and stands", async () => {
  const page = await ctx.open("#migrate=prestart-ephemeral,pending&web=main,pending");
  await setState(page, "web", "running");
  const flag = await page.textContent('[data-flag="web"]');
  assert.match(flag, /web's task runner is still waiting on its closed gate/);
  assert.equal(await stateOf(page, "web"), "running", "what-if: the report stands");
  await page.screenshot({ path: `${shots}/inspector-flag.png` });
  // An admitted runner's report is not flagged.
  await page.waitForSelector('[data-task="migrate"][data-waiting="false"]');
  await setState(page, "migrate", "running");
  assert.equal(await page.locator("[data-flag]").count(), 0);
  await page.close();
});

test("a failed prestart task: apply kills what the simulator kills", async () => {
  const page = await ctx.open();
  await page.click('[data-preset="full"]');
  const tasks = await group(page);
  // Admitted runners start: the panel offers it, and apply reports them running.
  await page.waitForSelector('[data-task="init"][data-waiting="false"]');
  const start = page.locator("[data-reaction]", { hasText: "start condition has passed" });
  assert.match(await start.textContent(), /^Start init and proxy/);
  await start.locator("[data-apply]").click();
  assert.equal(await stateOf(page, "init"), "running");
  assert.equal(await stateOf(page, "proxy"), "running");
  await setState(page, "init", "failed");
  await page.screenshot({ path: `${shots}/inspector-next.png` });
  const after = await applyKill(page, "Sibling Task Failed");
  const behaviours = tasks.map((t) => (t.name === "init" ? { runMs: 100, fails: true } : undefined));
  sameAsSimulator(tasks, after, simulatedEnd(tasks, behaviours));
  assert.equal(await phase(page), "poststop");
  assert.match(await page.textContent("[data-next]"), /nothing restarts any more/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a dead leader, and main tasks dead with a sidecar left: apply kills what the simulator kills", async () => {
  const page = await ctx.open();
  await page.click('[data-preset="poststart"]');
  const tasks = await group(page);
  const main = tasks.find((t) => !t.lifecycle).name;
  // The leader flag lives with run mode's behaviours.
  await page.click('[data-mode="run"]');
  await inRunBuild(page);
  await page.check(`input[aria-label="${main} is the leader"]`);
  await page.click('[data-mode="switchboard"]');
  for (const t of tasks) await setState(page, t.name, "running");
  await setState(page, main, "dead");
  const led = await applyKill(page, "Leader Task Dead");
  const leaderRun = tasks.map((t) => (t.name === main ? { runMs: 3000, leader: true } : t.lifecycle ? { runMs: -1 } : undefined));
  sameAsSimulator(tasks, led, simulatedEnd(tasks, leaderRun));

  await page.click('[data-preset="service-mesh"]');
  const mesh = await group(page);
  for (const t of mesh) await setState(page, t.name, "running");
  const mains = mesh.filter((t) => !t.lifecycle);
  for (const t of mains) await setState(page, t.name, "dead");
  const left = await applyKill(page, "Main Tasks Dead");
  const meshRun = mesh.map((t) => (t.lifecycle ? undefined : { runMs: 1000 }));
  sameAsSimulator(mesh, left, simulatedEnd(mesh, meshRun));
  assert.deepEqual(page.problems, []);
  await page.close();
});

/** The FSM graph's arrows the coordinator may leave by, and their conditions. */
const nextArrows = (page) => page.$$eval(".arrow.next", (els) => els.map((e) => e.dataset.arrow));
const condition = (page, arrow, says) => page.getAttribute(`[data-arrow="${arrow}"] [data-condition="${says}"]`, "class");

test("the FSM graph: each rule's arrow, the next ones highlighted with their unmet conditions", async () => {
  const page = await ctx.open("#init=prestart-ephemeral,pending&proxy=prestart-sidecar,pending&web=main,pending&bye=poststop,pending");
  // Every rule of phase.rs is an arrow, labelled with its words.
  for (const [arrow, says] of [["init-prestart", "every task is pending"], ["prestart-main", "every prestart sidecar is running"],
    ["main-poststart", "every main task has started"], ["poststart-wait_alloc", "every poststart ephemeral task is dead"],
    ["any-poststop", "every non-poststop task is dead"]]) {
    assert.equal(await page.locator(`[data-arrow="${arrow}"] [data-condition="${says}"]`).count(), 1, arrow);
  }
  assert.deepEqual(await nextArrows(page), ["prestart-main", "any-poststop"]);
  assert.equal(await page.getAttribute('[data-phase-step="prestart"]', "aria-current"), "step");
  assert.match(await condition(page, "prestart-main", "every prestart sidecar is running"), /unmet/);
  assert.match(await page.textContent('[data-arrow="prestart-main"]'), /not yet: init\)/);
  await setState(page, "proxy", "running");
  assert.match(await condition(page, "prestart-main", "every prestart sidecar is running"), /\bmet/);
  await setState(page, "init", "dead");
  assert.equal(await phase(page), "main");
  assert.deepEqual(await nextArrows(page), ["main-poststart", "any-poststop"]);
  await setState(page, "web", "running");
  // No poststart task: main → poststart → wait_alloc in one report.
  assert.equal(await phase(page), "wait_alloc");
  assert.match(await page.textContent(".log li"), /web → running — main → poststart → wait_alloc/, "the log says poststart was passed");
  assert.deepEqual(await nextArrows(page), ["any-poststop"], "wait_alloc leaves only by the shortcut");
  await setState(page, "web", "dead");
  await setState(page, "proxy", "dead");
  assert.equal(await phase(page), "poststop");
  assert.deepEqual(await nextArrows(page), []);
  assert.match(await page.textContent(".fsm"), /poststop is terminal/);
  // After an alloc restart every non-poststop task is still dead: the
  // shortcut's rule is met, and fires on the next report.
  await page.click('[data-control="restart"]');
  assert.equal(await phase(page), "init");
  assert.match(await page.getAttribute('[data-arrow="any-poststop"]', "class"), /\bmet\b/);
  assert.match(await page.textContent('[data-arrow="any-poststop"] [data-fires-next]'), /moves on the next report/);
  await page.screenshot({ path: `${shots}/inspector-fsm.png`, fullPage: true });
  await setState(page, "bye", "pending");
  assert.equal(await phase(page), "poststop");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("controls say what they do in words; the skip link reaches the diagram", async () => {
  const page = await ctx.open();
  for (const control of ["all pending", "restart", "restore", "reset"]) {
    const id = await page.getAttribute(`[data-control="${control}"]`, "aria-describedby");
    assert.ok((await page.textContent(`#${id}`)).length > 20, control);
    assert.ok(await page.isVisible(`#${id}`), `${control}'s words are visible`);
  }
  assert.equal(await page.getAttribute('[data-preset][aria-pressed="true"]', "title"), null, "no tooltip-only words");
  assert.ok((await page.textContent("[data-preset-about]")).length > 20, "the selected preset is described");
  const hash = await page.evaluate(() => location.hash);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "skip-link");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "diagram-panel");
  assert.equal(await page.evaluate(() => location.hash), hash, "the share link is untouched");
  assert.deepEqual(page.problems, []);
  await page.close();
});

/** The phase and every gate, as the diagram shows them. */
const moment = async (page) => [await phase(page), ...(await page.$$eval("[data-gate]", (els) => els.map((e) => `${e.dataset.gate}=${e.dataset.open}`)))];

test("time travel: step back three reports and forward again, exactly; a new report forks", async () => {
  const page = await ctx.open("#init=prestart-ephemeral,pending&proxy=prestart-sidecar,pending&web=main,pending&ship=poststart-sidecar,pending&bye=poststop,pending");
  const moments = [await moment(page)];
  for (const [task, state] of [["proxy", "running"], ["init", "dead"], ["web", "running"], ["ship", "running"]]) {
    await setState(page, task, state);
    moments.push(await moment(page));
  }
  assert.equal(await page.getAttribute("[data-history]", "data-history"), "4/4");
  for (const at of [3, 2, 1]) {
    await page.click('[data-travel="back"]');
    await page.waitForSelector(`[data-history="${at}/4"]`);
    assert.deepEqual(await moment(page), moments[at], `after ${at} reports`);
  }
  assert.equal(await stateOf(page, "init"), "pending", "the task list shows that moment too");
  // Forward again, from the keyboard on the slider.
  await page.focus('.history input[type="range"]');
  for (const at of [2, 3, 4]) {
    await page.keyboard.press("ArrowRight");
    await page.waitForSelector(`[data-history="${at}/4"]`);
    assert.deepEqual(await moment(page), moments[at], `forward to ${at}`);
  }
  await page.click('[data-travel="back"]');
  await page.click('[data-travel="back"]');
  await page.waitForSelector('[data-history="2/4"]');
  assert.match(await page.textContent(".history"), /drops the reports ahead/);
  await setState(page, "init", "failed");
  await page.waitForSelector('[data-history="3/3"]');
  assert.match(await page.textContent(".history-now"), /after report 3 of 3: init → dead \(failed\) \(you\)/);
  await page.screenshot({ path: `${shots}/inspector-history.png` });
  // The share link carries the history: a new page replays it to the same moment.
  await page.click('[data-travel="back"]');
  await page.waitForSelector('[data-history="2/3"]');
  const here = await moment(page);
  const link = await page.inputValue("[data-share]");
  assert.match(link, /~h=2&~r=/);
  const again = await ctx.open(link.slice(link.indexOf("#")));
  await again.waitForSelector('[data-history="2/3"]');
  assert.deepEqual(await moment(again), here);
  await again.click('[data-travel="forward"]');
  await again.waitForSelector('[data-history="3/3"]');
  assert.equal(await stateOf(again, "init"), "failed");
  assert.deepEqual(again.problems, []);
  await again.close();
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a whole lifecycle from the keyboard, on the diagram's runner boxes", async () => {
  const page = await ctx.open("#migrate=prestart-ephemeral,pending&web=main,pending&bye=poststop,pending");
  /** Tabs to `task`'s runner box, opens its menu, picks `state` with the arrow keys. */
  async function report(task, state) {
    const box = `[data-task="${task}"]`;
    let found = false;
    for (let i = 0; i < 60 && !found; i++) {
      await page.keyboard.press("Tab");
      found = await page.$eval(box, (el) => el === document.activeElement);
    }
    assert.ok(found, `${task}'s runner box is reachable with Tab`);
    await page.keyboard.press("Enter");
    await page.waitForSelector(`[data-runner-menu="${task}"]`);
    assert.equal(await page.getAttribute(box, "aria-expanded"), "true");
    const items = await page.$$eval(`[data-runner-menu="${task}"] [role=menuitem]`, (els) => els.map((e) => e.dataset.report));
    assert.ok(items.includes(state), `${task}'s menu offers ${state}: ${items}`);
    for (let k = 0; k < items.indexOf(state); k++) await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.activeElement.dataset.report), state);
    await page.keyboard.press("Enter");
    await page.waitForSelector(`[data-runner-menu]`, { state: "detached" });
    assert.ok(await page.$eval(box, (el) => el === document.activeElement), "the focus is back on the runner box");
    await page.keyboard.press("Shift+Tab"); // the next search starts before it
  }
  // Escape closes a menu without reporting.
  await page.focus('[data-task="web"]');
  await page.keyboard.press(" ");
  await page.waitForSelector('[data-runner-menu="web"]');
  await page.keyboard.press("Escape");
  await page.waitForSelector("[data-runner-menu]", { state: "detached" });
  assert.equal(await stateOf(page, "web"), "pending");
  await page.keyboard.press("Shift+Tab");

  await page.waitForSelector('[data-task="migrate"][data-waiting="false"]');
  await report("migrate", "running");
  await report("migrate", "dead");
  assert.equal(await phase(page), "main");
  await page.waitForSelector('[data-task="web"][data-waiting="false"]');
  await report("web", "running");
  assert.equal(await phase(page), "wait_alloc");
  await report("web", "dead");
  assert.equal(await phase(page), "poststop");
  await page.waitForSelector('[data-task="bye"][data-waiting="false"]');
  await report("bye", "running");
  await report("bye", "dead");
  assert.deepEqual(await page.$$eval("[data-task]", (els) => els.map((e) => e.dataset.status)), ["exited", "exited", "exited"]);
  assert.equal(await page.locator("[data-flag]").count(), 0, "every report was one Nomad could make");
  assert.deepEqual(page.problems, []);
  await page.close();
});
