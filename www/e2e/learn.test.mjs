// The Learn tour: every lesson's "try it" steps done from the keyboard and
// ticked off by the page, in the full view and as an embed; progress kept
// across a reload; axe-core finds nothing in any lesson. Screenshots of
// three lessons go to test-output/playground/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { inRunBuild, phase, playground, shots } from "./harness.mjs";

const ctx = playground();
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const LESSONS = ["phases", "init-task", "sidecar", "poststart", "poststop", "prestart-fails", "leader", "restart", "restore"];

/** Tabs until `selector` has the focus (bounded), then presses `key`: the keyboard alone. */
async function press(page, selector, key) {
  await page.waitForSelector(selector);
  for (let i = 0; i < 200; i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) {
      await page.keyboard.press(key);
      return;
    }
    await page.keyboard.press("Tab");
  }
  assert.fail(`${selector} is not reachable with Tab`);
}

/** Reports `task` as `state` through its runner box's menu: one report. */
async function report(page, task, state) {
  await press(page, `[data-task="${task}"]`, "Enter");
  const items = await page.$$eval(`[data-runner-menu="${task}"] [role=menuitem]`, (els) => els.map((e) => e.dataset.report));
  assert.ok(items.includes(state), `${task}'s menu offers ${state}: ${items}`);
  for (let k = 0; k < items.indexOf(state); k++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForSelector("[data-runner-menu]", { state: "detached" });
}

/** Does one step's acts (as the page lists them in `data-acts`). */
async function doStep(page, k) {
  const acts = (await page.getAttribute(`[data-step="${k}"]`, "data-acts")).split(";");
  for (const act of acts) {
    const [kind, task, state] = act.split(":");
    if (kind === "report") {
      await report(page, task, state);
    } else if (kind === "apply") {
      await press(page, '[data-apply="0"]', "Enter");
    } else {
      await press(page, `[data-control="${kind === "all-pending" ? "all pending" : kind}"]`, "Enter");
    }
  }
  await page.waitForSelector(`[data-step="${k}"][data-done="true"]`, { timeout: 5_000 });
}

async function axeViolations(page) {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } });
    return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(" | ")}`);
  });
}

test("the playground's header leads to the tour", async () => {
  const page = await ctx.open();
  await press(page, "[data-learn-link]", "Enter");
  await page.waitForSelector('[data-lesson-shown="phases"]');
  assert.equal(await page.getAttribute('[data-lesson="phases"]', "aria-current"), "page");
  assert.deepEqual(page.problems, []);
  await page.close();
});

for (const [n, id] of LESSONS.entries()) {
  test(`lesson ${n + 1} (${id}): its steps from the keyboard, ticked off; axe finds nothing`, async () => {
    const page = await ctx.open(`#learn/${id}`);
    await page.waitForSelector(`[data-lesson-shown="${id}"]`);
    assert.deepEqual(await axeViolations(page), [], "axe-core");
    const steps = await page.locator("[data-step]").count();
    assert.ok(steps >= 1 && steps <= 3);
    assert.equal(await page.locator('[data-step][data-done="true"]').count(), 0, "nothing is done at first");
    for (let k = 0; k < steps; k++) {
      await doStep(page, k);
      assert.equal(await page.locator('[data-step][data-done="true"]').count(), k + 1);
    }
    assert.ok(await page.isVisible("[data-lesson-done]"));
    assert.equal(await page.locator("[data-flag]").count(), 0, "every report was one Nomad could make");
    assert.equal(await page.evaluate(() => location.hash), `#learn/${id}`, "the route stays");
    if (["phases", "prestart-fails", "restore"].includes(id)) await page.screenshot({ path: `${shots}/learn-${id}.png`, fullPage: true });
    // Progress survives a reload, and the lesson list says it is done.
    await page.reload();
    await page.waitForSelector(`[data-lesson-shown="${id}"]`);
    assert.equal(await page.locator('[data-step][data-done="true"]').count(), steps);
    assert.match(await page.textContent(`[data-lesson="${id}"]`), /✓/);
    if (n + 1 < LESSONS.length) {
      await press(page, '[data-nav="next"]', "Enter");
      await page.waitForSelector(`[data-lesson-shown="${LESSONS[n + 1]}"]`);
    }
    assert.deepEqual(page.problems, []);
    await page.close();
  });
}

test("every lesson embeds by itself: ?embed&lesson=<id>", async () => {
  for (const id of LESSONS) {
    const page = await ctx.open(`?embed&lesson=${id}`, { width: 480, height: 800 });
    await page.waitForSelector(`[data-embed][data-lesson-shown="${id}"]`);
    assert.equal(await page.locator(".toolbar").count(), 0, "no toolbar");
    assert.ok((await page.locator("[data-step]").count()) >= 1);
    await doStep(page, 0);
    assert.deepEqual(await axeViolations(page), [], `axe-core in the ${id} embed`);
    const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert.equal(width, 480, "no sideways scrolling");
    assert.deepEqual(page.problems, []);
    await page.close();
  }
});

test("a lesson about time opens its scene in run mode", async () => {
  const page = await ctx.open("#learn/prestart-fails");
  await press(page, "[data-over-time]", "Enter");
  await inRunBuild(page);
  await page.waitForSelector('[data-mode="run"][aria-pressed="true"]');
  assert.equal(await page.locator("[data-lesson-shown]").count(), 0);
  await press(page, '[data-run="end"]', "Enter");
  await page.waitForSelector('[data-clock][data-finished="true"]');
  assert.equal(await phase(page), "poststop", "init gave up, its siblings were killed, poststop ran");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("leaving the tour: the scene opens in the playground", async () => {
  const page = await ctx.open("#learn/poststop");
  await press(page, "[data-open-scene]", "Enter");
  await page.waitForSelector(".toolbar [data-preset]");
  assert.equal(await page.locator("[data-lesson-shown]").count(), 0);
  assert.equal(await phase(page), "main");
  assert.deepEqual(page.problems, []);
  await page.close();
});
