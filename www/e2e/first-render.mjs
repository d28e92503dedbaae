// Time to first render of the playground in headless Chromium: from
// navigation start until the first frame that shows the diagram's first gate
// has been painted. A measurement, not a test: `make first-render` (after
// make build-web).
//
// Read in the page: a MutationObserver notes when the first gate enters the
// DOM, then a requestAnimationFrame callback (which runs just before that
// frame's style, layout and paint) queues a task, which runs once the frame
// is done. Until 2026-12-01 this script took performance.now() in a
// page.evaluate after waitForSelector resolved, which also counted
// Playwright's polling and the round trip to the page; that reading is still
// printed ("as the harness saw it") so the two can be compared. The page
// renders its other panels a frame or two after the diagram; the time when
// all of them are in the DOM is printed too ("every panel in the DOM").
import { launch } from "./browser.mjs";
import { serve } from "./serve.mjs";

const runs = Number(process.argv[2] ?? 11);
const server = await serve(new URL("../../dist", import.meta.url).pathname);
const browser = await launch();
const readings = { inserted: [], painted: [], harness: [], fcp: [], whole: [] };
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext(); // cold cache each run
  const page = await context.newPage();
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (window.__inserted === undefined && document.querySelector("[data-gate]")) {
        window.__inserted = performance.now();
        requestAnimationFrame(() => setTimeout(() => { window.__painted = performance.now(); }));
      }
      // The rest of the page follows a frame or two later (App's `Shown`).
      if (document.querySelector("main[data-complete]")) {
        observer.disconnect();
        window.__whole = performance.now();
      }
    }).observe(document, { childList: true, subtree: true, attributes: true });
  });
  await page.goto(server.url);
  await page.waitForSelector("[data-gate]");
  readings.harness.push(await page.evaluate(() => performance.now()));
  await page.waitForFunction(() => window.__painted !== undefined && window.__whole !== undefined);
  const [inserted, painted, fcp, whole] = await page.evaluate(() => [
    window.__inserted,
    window.__painted,
    performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
    window.__whole,
  ]);
  readings.whole.push(whole);
  readings.inserted.push(inserted);
  readings.painted.push(painted);
  readings.fcp.push(fcp);
  await context.close();
}
await browser.close();
await server.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const painted = [...readings.painted].sort((a, b) => a - b);
console.log(
  `first render (navigation start → first frame with a gate painted), ${runs} cold loads: ` +
    `median ${median(painted).toFixed(0)} ms, min ${painted[0].toFixed(0)} ms, max ${painted.at(-1).toFixed(0)} ms`,
);
console.log(
  `  medians: first contentful paint ${median(readings.fcp).toFixed(0)} ms, gate in the DOM ${median(readings.inserted).toFixed(0)} ms, ` +
    `gate painted ${median(readings.painted).toFixed(0)} ms, every panel in the DOM ${median(readings.whole).toFixed(0)} ms, ` +
    `as the harness saw it (waitForSelector + evaluate) ${median(readings.harness).toFixed(0)} ms`,
);
