#!/usr/bin/env bash
# Prints what dist/ serves, raw and gzipped (-9): the first load (everything
# but the two parts loaded on first use) and those two: the run build (run
# mode, see src/playground/handover.rs) and the import worker.
set -euo pipefail
cd "$(dirname "$0")/../dist"
first_raw=0; first_gz=0; run_raw=0; run_gz=0; lazy_raw=0; lazy_gz=0
for f in *; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  case "$f" in
    import-worker*) lazy_raw=$((lazy_raw + raw)); lazy_gz=$((lazy_gz + gz)) ;;
    playground-run*) run_raw=$((run_raw + raw)); run_gz=$((run_gz + gz)) ;;
    *) first_raw=$((first_raw + raw)); first_gz=$((first_gz + gz)) ;;
  esac
  printf '%9d %9d  %s\n' "$raw" "$gz" "$f"
done
printf '%9d %9d  first load (bytes raw, gzipped -9)\n' "$first_raw" "$first_gz"
printf '%9d %9d  run build, loaded when run mode is first shown\n' "$run_raw" "$run_gz"
printf '%9d %9d  import worker, loaded on first use\n' "$lazy_raw" "$lazy_gz"
