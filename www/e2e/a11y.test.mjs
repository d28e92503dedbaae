// Accessibility: axe-core (npm, injected into the page) finds no violation
// in any view of the playground — switchboard, run mode (before and after a
// run), the import panel showing an error and a group choice, the embed,
// 375 px, and the dark theme. WCAG 2.2 A and AA rules plus axe's best practices.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { inRunBuild, playground, shots } from "./harness.mjs";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const ctx = playground();

/** axe's violations on the page as it is now, one line each. */
async function violations(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  });
  return result;
}

/** Run mode, once the run build shows it (src/playground/handover.rs). */
async function toRun(page) {
  await page.click('[data-mode="run"]');
  await inRunBuild(page);
}

const VIEWS = [
  { name: "switchboard", path: "" },
  { name: "switchboard, every gate moved", path: "#init=prestart-ephemeral,dead&proxy=prestart-sidecar,running&web=main,running&warm=poststart-ephemeral,dead&logs=poststart-sidecar,running&cleanup=poststop,pending" },
  { name: "run mode", path: "", act: toRun },
  {
    name: "run mode, finished",
    path: "",
    act: async (page) => {
      await toRun(page);
      await page.click('[data-run="end"]');
      await page.waitForSelector('[data-clock][data-finished="true"]');
    },
  },
  {
    name: "import panel with an error",
    path: "",
    act: async (page) => {
      await page.fill('[data-import="jobspec"]', 'job "x" {\n  group "g" {\n');
      await page.click('[data-import="job"]');
      await page.waitForSelector('[data-import-answered="1"]');
    },
  },
  {
    name: "import panel choosing a group",
    path: "",
    act: async (page) => {
      await page.fill('[data-import="jobspec"]', 'job "x" {\n  group "a" {\n    task "t" {}\n  }\n  group "b" {\n    task "u" {}\n  }\n}\n');
      await page.click('[data-import="job"]');
      await page.waitForSelector('[data-import-answered="1"]');
    },
  },
  { name: "embed", path: "?embed#init=prestart-ephemeral,pending&web=main,pending" },
  { name: "375 px", path: "", viewport: { width: 375, height: 800 } },
  { name: "375 px, run mode", path: "", viewport: { width: 375, height: 800 }, act: toRun },
  { name: "embed at 320 px", path: "?embed", viewport: { width: 320, height: 600 } },
  { name: "dark theme", path: "", colorScheme: "dark" },
  { name: "dark theme, run mode", path: "", colorScheme: "dark", act: toRun },
];

for (const view of VIEWS) {
  test(`axe: no violations in ${view.name}`, async () => {
    const page = await ctx.open(view.path, view.viewport, { colorScheme: view.colorScheme });
    await view.act?.(page);
    const found = await violations(page);
    if (found.length) {
      await page.screenshot({ path: `${shots}/axe-${view.name.replace(/\W+/g, "-")}.png`, fullPage: true });
    }
    assert.deepEqual(found, [], `${view.name}:\n${found.join("\n")}`);
    assert.deepEqual(page.problems, []);
    await page.close();
  });
}
