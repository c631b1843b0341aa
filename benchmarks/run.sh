#!/usr/bin/env bash
# BenchmarkDotNet suite (Release) and the one-time Chromium comparison. Prints the tables and ratios.
#   benchmarks/run.sh                 everything (about 5-8 minutes on 2 cores)
#   benchmarks/run.sh --filter '*Record*'   BenchmarkDotNet arguments pass through; SKIP_CHROMIUM=1 skips the comparison
set -euo pipefail
. "$(dirname "$0")/lib/bench.sh"
cd "$BENCH_ROOT"

apt_ensure /usr/bin/chromium chromium
machine_line
dotnet build benchmarks/Consent.Benchmarks -c Release -nologo -v quiet >&2
BIN="$BENCH_ROOT/benchmarks/Consent.Benchmarks/bin/Release/net10.0/Consent.Benchmarks"
OUT="$BENCH_ROOT/benchmarks/results"
rm -rf "$OUT/bdn"
mkdir -p "$OUT"
export CONSENT_REPOSITORY_ROOT="$BENCH_ROOT"

args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--filter '*')
# The artifacts (GitHub-markdown tables, logs) stay under benchmarks/results/, which git ignores.
dotnet "$BIN.dll" "${args[@]}" --artifacts "$OUT/bdn" >"$OUT/bdn.log" 2>&1 || {
  tail -40 "$OUT/bdn.log" >&2
  exit 1
}
for table in "$OUT"/bdn/results/*-report-github.md; do
  [ -f "$table" ] && { echo; cat "$table"; }
done

[ "${SKIP_CHROMIUM:-0}" = 1 ] && exit 0

# Chromium comparison: the same 10-disclosure (6-page) record as HTML, printed to PDF by headless
# Chromium, a new process each time (what `chromium --print-to-pdf` costs), against our render +
# ECDSA signature in one process; and Chromium kept running (page.pdf() only), the kindest case.
RUNS="${CHROMIUM_RUNS:-7}"
WORK="$(mktemp -d /tmp/consent-chromium.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM HUP PIPE
"$BIN" record-html "$WORK/record.html" 10
"$BIN" time-render 50 "$WORK/ours.pdf" 10 | tee "$WORK/ours.txt"
ours_ms="$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' "$WORK/ours.txt")"
times=()
for i in $(seq 0 "$RUNS"); do
  profile="$WORK/profile-$i"
  start=$(date +%s%N)
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile" \
    --no-pdf-header-footer --print-to-pdf="$WORK/chromium.pdf" "file://$WORK/record.html" >/dev/null 2>&1
  end=$(date +%s%N)
  rm -rf "$profile"
  # The first run warms the disk cache and is not counted.
  [ "$i" -gt 0 ] && times+=("$(awk -v ns=$((end - start)) 'BEGIN { printf "%.1f", ns / 1e6 }')")
done
cold_ms="$(printf '%s\n' "${times[@]}" | median)"
pages="$(pdfinfo "$WORK/chromium.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }' || true)"
echo "chromium --print-to-pdf (new process): median $cold_ms ms over $RUNS runs (${pages:-?} pages; runs: ${times[*]})"
"$BIN" chromium-warm "$WORK/record.html" 15 | tee "$WORK/warm.txt"
warm_ms="$(sed -E 's/.*median ([0-9.]+) ms.*/\1/' "$WORK/warm.txt")"
awk -v o="$ours_ms" -v c="$cold_ms" -v w="$warm_ms" 'BEGIN {
  printf "ratio chromium (new process) / ours: %.1f\n", c / o
  printf "ratio chromium (warm page.pdf) / ours: %.1f\n", w / o
}'
machine_line
