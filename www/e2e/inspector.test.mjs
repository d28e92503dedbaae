// The switchboard as an inspector: each task's states as one radio group
// (one tab stop, arrow keys), every report in the log with who made it, a
// report Nomad could not make flagged in place, and "Nomad's alloc runner
// would now…" whose "apply" reaches the states the simulator reaches from
// the same position (compared here with the npm package's simulate()).
import { test } from "node:test";
import assert from "node:assert/strict";
import { phase, playground, shots } from "./harness.mjs";
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
