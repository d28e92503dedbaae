// Trunk's post_build hook (Trunk.toml): minifies the playground's JS glue in
// release builds, which Trunk 0.21's own minifier gives up on (it cannot
// parse wasm-bindgen's `export { … as default }` and ships the file as it is:
// 39.8 KB raw, 7.3 KB gzipped; minified by terser, 17.8 KB and 5.5 KB).
// The file keeps its name; its Subresource Integrity hash in index.html is
// recomputed, or the browser would refuse it.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { minify } from "terser";

const staging = process.env.TRUNK_STAGING_DIR;
if (process.env.TRUNK_PROFILE !== "release" || !staging) process.exit(0);

const indexPath = join(staging, "index.html");
let index = readFileSync(indexPath, "utf8");
const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;

// The app's glue is the module index.html preloads (Trunk minifies the no-modules
// glue of the run build and the import worker itself).
const preloads = [...index.matchAll(/<link [^>]*rel=modulepreload[^>]*>/g)].map((m) => m[0]);
const glue = preloads.map((tag) => tag.match(/href=\.\/([^ >]+\.js)/)?.[1]).filter(Boolean);
if (glue.length === 0) {
  console.error("minify-glue: index.html preloads no JS module; nothing minified");
  process.exit(1);
}
for (const file of glue) {
  const path = join(staging, file);
  const before = readFileSync(path);
  const { code } = await minify(before.toString("utf8"), { module: true, compress: true, mangle: true });
  const after = Buffer.from(code, "utf8");
  const [oldHash, newHash] = [sri(before), sri(after)];
  if (!index.includes(oldHash)) {
    console.error(`minify-glue: index.html has no integrity ${oldHash} for ${file}; left as it is`);
    process.exit(1);
  }
  writeFileSync(path, after);
  index = index.replaceAll(oldHash, newHash);
  console.error(`minify-glue: ${file} ${before.length} → ${after.length} bytes`);
}
writeFileSync(indexPath, index);
