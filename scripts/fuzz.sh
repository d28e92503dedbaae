#!/usr/bin/env bash
# Coverage-guided fuzzing with AFL++ through cargo-afl (crates.io; it builds
# AFL++ from source at install): every target of fuzz/ for FUZZ_SECONDS each
# (default 180), starting from its saved corpus. Crashes and hangs are
# copied into fuzz/regressions/<target>/, which `make test` replays; with
# FUZZ_SAVE=1 the new queue entries join fuzz/corpus/<target>/ too.
# Prints executions, speed, coverage, crashes and hangs per target.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
seconds=${FUZZ_SECONDS:-180}
targets=${FUZZ_TARGETS:-"jobspec allocation share_link trace_file task_json simulation"}
out=target/fuzz-out

command -v cargo-afl >/dev/null || cargo install --locked cargo-afl
(cd fuzz && cargo afl build --release --features afl --quiet)

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
mkdir -p "$out"
printf '%-12s %12s %10s %9s %8s %6s\n' target executions "exec/s" coverage crashes hangs
# Seeds: fuzz/corpus/<target>/, plus the repository's own inputs it does not copy
# (the importer's fixtures, the smallest conformance trace file).
seeds_of() {
  case "$1" in
    jobspec) ls tests/fixtures/*.hcl tests/fixtures/*.json | grep -v allocation.json ;;
    allocation) echo tests/fixtures/allocation.json ;;
    trace_file) echo tests/conformance/nomad-tests.json ;;
  esac
}
for t in $targets; do
  rm -rf "${out:?}/$t" "$out/seeds-$t"
  mkdir -p "$out/seeds-$t"
  cp fuzz/corpus/"$t"/* "$out/seeds-$t/" 2>/dev/null || true
  for f in $(seeds_of "$t"); do cp "$f" "$out/seeds-$t/"; done
  # -t: a run over 1 s counts as a hang (the largest seed takes a few ms).
  cargo afl fuzz -i "$out/seeds-$t" -o "$out/$t" -V "$seconds" -t 1000 "target/release/$t" \
    >"$out/$t.log" 2>&1 || { echo "afl-fuzz failed for $t: see $out/$t.log" >&2; exit 1; }
  stats="$out/$t/default/fuzzer_stats"
  field() { awk -v k="$1" '$1 == k { print $3 }' "$stats"; }
  printf '%-12s %12s %10s %9s %8s %6s\n' "$t" "$(field execs_done)" "$(field execs_per_sec)" \
    "$(field bitmap_cvg)" "$(field saved_crashes)" "$(field saved_hangs)"
  for kind in crashes hangs; do
    for f in "$out/$t/default/$kind"/id:*; do
      [ -e "$f" ] || continue
      mkdir -p "fuzz/regressions/$t"
      cp "$f" "fuzz/regressions/$t/$kind-$(sha1sum "$f" | cut -c1-12)"
    done
  done
  if [ "${FUZZ_SAVE:-0}" = 1 ]; then
    for f in "$out/$t/default/queue"/id:*; do
      cp "$f" "fuzz/corpus/$t/afl-$(sha1sum "$f" | cut -c1-12)"
    done
  fi
done
