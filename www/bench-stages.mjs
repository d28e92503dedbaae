// Which stage a task spec is in, for the plain-JS baselines and the
// workloads of www/bench.mjs (SPEC.md's table, written as a JS author would).
export function stageOf(task) {
  const hook = task.lifecycle?.hook ?? "";
  if (hook === "prestart") return task.lifecycle.sidecar ? "prestart-sidecar" : "prestart-ephemeral";
  if (hook === "poststart") return task.lifecycle.sidecar ? "poststart-sidecar" : "poststart-ephemeral";
  if (hook === "poststop") return "poststop";
  return "main";
}
