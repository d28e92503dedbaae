// Lighthouse 12 (pinned to 12.2.3: 13 needs Node 22) against dist/ served
// gzipped on 127.0.0.1, with Debian's Chromium headless: mobile (simulated
// slow 4G, Lighthouse's default) and desktop. Prints the four category
// scores and LCP/TBT. A measurement, not a test: `make lighthouse`.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, readFileSync } from "node:fs";
import { serve } from "./e2e/serve.mjs";

const root = new URL("../", import.meta.url).pathname;
const cli = `${root}target/lighthouse/node_modules/.bin/lighthouse`;
const out = `${root}test-output/lighthouse`;
mkdirSync(out, { recursive: true });
const server = await serve(`${root}dist`, { gzip: true });
const flags = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage";
try {
  for (const form of ["mobile", "desktop"]) {
    // Asynchronously: the server answering Lighthouse lives in this process.
    await promisify(execFile)(
      cli,
      [
        server.url,
        "--quiet",
        `--chrome-flags=${flags}`,
        "--output=json",
        "--output=html",
        `--output-path=${out}/${form}`,
        ...(form === "desktop" ? ["--preset=desktop"] : []),
      ],
      { env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH ?? "/usr/bin/chromium" }, maxBuffer: 1 << 26 },
    );
    const lhr = JSON.parse(readFileSync(`${out}/${form}.report.json`, "utf8"));
    const score = (c) => Math.round(lhr.categories[c].score * 100);
    const ms = (a) => Math.round(lhr.audits[a].numericValue);
    console.log(
      `${form.padEnd(7)}: performance ${score("performance")}, accessibility ${score("accessibility")}, ` +
        `best practices ${score("best-practices")}, SEO ${score("seo")}; LCP ${ms("largest-contentful-paint")} ms, ` +
        `TBT ${ms("total-blocking-time")} ms, FCP ${ms("first-contentful-paint")} ms (report: test-output/lighthouse/${form}.report.html)`,
    );
    for (const [id, audit] of Object.entries(lhr.audits)) {
      if (audit.score !== null && audit.score < 1 && audit.scoreDisplayMode === "binary") console.log(`  failing audit: ${id}: ${audit.title}`);
    }
  }
} finally {
  await server.close();
}
