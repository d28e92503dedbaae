// The diagram's layout, measured from the rendered SVG: lanes whose lines
// never cross, boxes inside the viewport, text never below 11 px, at
// 1280 px, 375 px and in a 320 px embed, for every preset.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inRunBuild, playground, shots } from "./harness.mjs";

const ctx = playground();

/**
 * The diagram's connectors as axis-parallel segments (in SVG units), each
 * with the lane it belongs to, and its boxes as rectangles; read in the page.
 */
function geometry() {
  const svg = document.querySelector("svg.diagram");
  const segments = [];
  for (const el of svg.querySelectorAll("[data-connector]")) {
    const lane = el.closest("[data-lane]")?.dataset.lane ?? el.dataset.connector;
    let points;
    if (el.tagName === "line") {
      points = [[+el.getAttribute("x1"), +el.getAttribute("y1")], [+el.getAttribute("x2"), +el.getAttribute("y2")]];
    } else {
      // Paths are "M x y" then H/V steps only: right angles.
      const tokens = el.getAttribute("d").trim().split(/\s+/);
      let [x, y] = [0, 0];
      points = [];
      for (let i = 0; i < tokens.length; ) {
        const op = tokens[i++];
        if (op === "M") [x, y] = [+tokens[i++], +tokens[i++]];
        else if (op === "H") x = +tokens[i++];
        else if (op === "V") y = +tokens[i++];
        else throw new Error(`not a right-angled connector: ${el.getAttribute("d")}`);
        points.push([x, y]);
      }
    }
    for (let i = 1; i < points.length; i++) segments.push({ lane, kind: el.dataset.connector, a: points[i - 1], b: points[i] });
  }
  const boxes = [...svg.querySelectorAll(".box rect, .gate rect, .runner-box rect")].map((r) => ({
    name: r.closest("[data-task],[data-gate],.box")?.dataset.task ?? r.closest("[data-gate]")?.dataset.gate ?? r.parentElement.getAttribute("class"),
    x: +r.getAttribute("x"), y: +r.getAttribute("y"), w: +r.getAttribute("width"), h: +r.getAttribute("height"),
  }));
  return { segments, boxes };
}

/** Whether two axis-parallel segments share a point. */
function meet(s, t) {
  const [ax1, ax2] = [Math.min(s.a[0], s.b[0]), Math.max(s.a[0], s.b[0])];
  const [ay1, ay2] = [Math.min(s.a[1], s.b[1]), Math.max(s.a[1], s.b[1])];
  const [bx1, bx2] = [Math.min(t.a[0], t.b[0]), Math.max(t.a[0], t.b[0])];
  const [by1, by2] = [Math.min(t.a[1], t.b[1]), Math.max(t.a[1], t.b[1])];
  return ax1 <= bx2 && bx1 <= ax2 && ay1 <= by2 && by1 <= ay2;
}

/** Whether a segment passes through the inside of a box (touching its edge is how lines end). */
function crosses(s, box) {
  const inside = (x, y) => x > box.x + 1 && x < box.x + box.w - 1 && y > box.y + 1 && y < box.y + box.h - 1;
  const [x1, x2] = [Math.min(s.a[0], s.b[0]), Math.max(s.a[0], s.b[0])];
  const [y1, y2] = [Math.min(s.a[1], s.b[1]), Math.max(s.a[1], s.b[1])];
  if (x1 === x2) return x1 > box.x + 1 && x1 < box.x + box.w - 1 && y1 < box.y + box.h - 1 && y2 > box.y + 1;
  if (y1 === y2) return y1 > box.y + 1 && y1 < box.y + box.h - 1 && x1 < box.x + box.w - 1 && x2 > box.x + 1;
  return inside(s.a[0], s.a[1]) || inside(s.b[0], s.b[1]);
}

function checkLines(id) {
  return async (page) => {
    const { segments, boxes } = await page.evaluate(geometry);
    assert.ok(segments.length > 0, `${id}: connectors drawn`);
    for (const [i, s] of segments.entries()) {
      for (const t of segments.slice(i + 1)) {
        // Lines of one lane share their trunk; the bus meets each lane's
        // arrow where it starts. Any other meeting is a crossing.
        const joined = s.lane === t.lane || s.kind === "bus" || t.kind === "bus";
        if (!joined) assert.ok(!meet(s, t), `${id}: lines cross: ${JSON.stringify([s, t])}`);
      }
      for (const box of boxes) assert.ok(!crosses(s, box), `${id}: a ${s.kind} line runs through ${box.name}: ${JSON.stringify(s)}`);
    }
  };
}

test("for every preset, no two lines cross and none runs through a box", async () => {
  const page = await ctx.open();
  const presets = await page.$$eval("[data-preset]", (els) => els.map((e) => e.dataset.preset));
  for (const id of presets) {
    await page.click('[data-mode="switchboard"]');
    await page.click(`[data-preset="${id}"]`);
    await checkLines(id)(page);
    // Every runner sits in its own gate's lane.
    const misplaced = await page.$$eval("[data-task]", (els) =>
      els.filter((e) => e.closest("[data-lane]")?.dataset.lane !== e.querySelector("[data-wire]")?.dataset.wire).map((e) => e.dataset.task),
    );
    assert.deepEqual(misplaced, [], `${id}: runners outside their gate's lane`);
  }
  assert.deepEqual(page.problems, []);
  await page.close();
});

/** Every text's rendered size in px, and whether each runner box is inside the viewport horizontally. */
const measure = () => {
  const sizes = [...document.querySelectorAll("svg.diagram text")].map((t) => {
    const svg = t.ownerSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return { text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale };
  });
  const outside = [...document.querySelectorAll("[data-task] rect")]
    .map((r) => [r.closest("[data-task]").dataset.task, r.getBoundingClientRect()])
    .filter(([, b]) => b.left < 0 || b.right > window.innerWidth)
    .map(([name]) => name);
  return {
    smallest: sizes.reduce((m, s) => (s.px < m.px ? s : m), { px: Infinity }),
    outside,
    overflow: document.scrollingElement.scrollWidth - window.innerWidth,
  };
};

for (const [name, path, viewport] of [
  ["1280 px", "", { width: 1280, height: 900 }],
  ["375 px", "", { width: 375, height: 800 }],
  ["375 px, run mode", "run", { width: 375, height: 800 }],
  ["embed at 320 px", "?embed", { width: 320, height: 640 }],
  ["embed at 480 px", "?embed", { width: 480, height: 640 }],
]) {
  test(`${name}: no sideways scrolling, every runner in view, text at least 11 px`, async () => {
    const page = await ctx.open(path === "run" ? "" : path, viewport);
    if (path === "run") {
      await page.click('[data-mode="run"]');
      await inRunBuild(page);
    }
    // The biggest preset, when there is a preset list.
    if (await page.locator('[data-preset="full"]').count()) {
      await page.click('[data-preset="full"]');
      if (path === "run") await page.click('[data-mode="run"]');
    }
    const m = await page.evaluate(measure);
    assert.equal(m.overflow, 0, `${name}: the page scrolls sideways by ${m.overflow} px`);
    assert.deepEqual(m.outside, [], `${name}: runner boxes outside the viewport`);
    assert.ok(m.smallest.px >= 11, `${name}: "${m.smallest.text}" is ${m.smallest.px.toFixed(1)} px`);
    await page.screenshot({ path: `${shots}/diagram-${name.replace(/\W+/g, "-")}.png`, fullPage: true });
    assert.deepEqual(page.problems, []);
    await page.close();
  });
}
