// Shared set-up of the playground's end-to-end tests: dist/ served on
// 127.0.0.1, one headless Chromium, pages that record what went wrong.
import { after, before } from "node:test";
import { mkdirSync } from "node:fs";
import { launch } from "./browser.mjs";
import { serve } from "./serve.mjs";

export const root = new URL("../../", import.meta.url).pathname;
/** Screenshots of key states, kept for people to look at. */
export const shots = `${root}test-output/playground`;
mkdirSync(shots, { recursive: true });

/** Serves dist/ and launches the browser around the tests of this file. */
export function playground() {
  const ctx = { server: undefined, browser: undefined };
  before(async () => {
    ctx.server = await serve(`${root}dist`);
    ctx.browser = await launch();
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
  });
  /**
   * A new page at `path` that records console errors, page errors and
   * dialogs; `options` are more of playwright's page options (`colorScheme`).
   */
  ctx.open = async (path = "", viewport = { width: 1280, height: 900 }, options = {}) => {
    const page = await ctx.browser.newPage({ viewport: viewport ?? { width: 1280, height: 900 }, acceptDownloads: true, ...options });
    page.problems = [];
    page.on("console", (m) => m.type() === "error" && page.problems.push(`console: ${m.text()}`));
    page.on("pageerror", (e) => page.problems.push(`pageerror: ${e.message}`));
    page.on("dialog", (d) => {
      page.problems.push(`dialog: ${d.message()}`);
      d.dismiss();
    });
    await page.goto(ctx.server.url + path);
    await ready(page);
    return page;
  };
  return ctx;
}

/**
 * Waits until the page is whole: the diagram, then the panels beside it,
 * which the playground renders from the task after the first frame; and not
 * busy handing the page to the run build (src/playground/handover.rs).
 */
export async function ready(page) {
  await page.waitForSelector("[data-phase]");
  await page.waitForSelector("#playground:not([aria-busy]) main[data-complete]");
}

/** Waits until the run build has taken the page over and rendered it whole. */
export async function inRunBuild(page) {
  await page.waitForSelector('#playground[data-build="run"]:not([aria-busy]) main[data-complete]');
}

/** The coordinator's phase as the diagram shows it. */
export const phase = (page) => page.getAttribute("[data-phase]", "data-phase");
