// Runs the example orchestrator (real child processes) and checks the order
// of what it did.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

test("the example orchestrator runs tasks in lifecycle order", () => {
  const script = new URL("../examples/orchestrator.mjs", import.meta.url).pathname;
  const out = execFileSync(process.execPath, [script], { encoding: "utf8", timeout: 30_000 });
  const lines = out.trim().split("\n").map((l) => l.replace(/^\[\s*\d+ ms\] /, ""));
  const at = (text) => {
    const i = lines.findIndex((l) => l.startsWith(text));
    assert.ok(i >= 0, `missing "${text}" in:\n${out}`);
    return i;
  };
  const before = (a, b) => assert.ok(at(a) < at(b), `expected "${a}" before "${b}" in:\n${out}`);
  before("proxy: started", "web: started");
  before("migrate: exited 0", "web: started");
  before("phase prestart -> main", "web: started");
  before("web: started", "warm-cache: started");
  before("web: exited 0", "proxy: stopping");
  before("proxy: exited", "cleanup: started");
  before("phase wait_alloc -> poststop", "cleanup: started");
  before("cleanup: exited 0", "alloc: done in phase poststop");
  assert.equal(lines.filter((l) => / started \(pid/.test(l)).length, 5, "every task ran once");
});
