#!/usr/bin/env bash
# Prints what dist/ serves, raw and gzipped (-9), and the total.
set -euo pipefail
cd "$(dirname "$0")/../dist"
total_raw=0; total_gz=0
for f in *; do
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '%9d %9d  %s\n' "$raw" "$gz" "$f"
done
printf '%9d %9d  total (bytes raw, gzipped -9)\n' "$total_raw" "$total_gz"
