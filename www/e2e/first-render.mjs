// Time to first render of the playground in headless Chromium: from
// navigation start to the diagram's first gate in the DOM. A measurement,
// not a test: `make first-render` (after make build-web).
import { launch } from "./browser.mjs";
import { serve } from "./serve.mjs";

const runs = Number(process.argv[2] ?? 7);
const server = await serve(new URL("../../dist", import.meta.url).pathname);
const browser = await launch();
const times = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext(); // cold cache each run
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector("[data-gate]");
  times.push(await page.evaluate(() => performance.now()));
  await context.close();
}
await browser.close();
await server.close();
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`first render (navigation start → first gate drawn), ${runs} cold loads: median ${median.toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms`);
