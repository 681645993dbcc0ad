#!/usr/bin/env bash
# Parquet beside CSV: the console host scores the same rows from CSV and from Parquet, into CSV and into Parquet;
# medians of RUNS runs each (wall time, peak RSS from /usr/bin/time -v's fields), rows per second.
#   bash benchmarks/parquet/run.sh [ROWS] [RUNS]      (default 10000000 rows, 3 runs; files kept under $PARQUET_BENCH_WORK)
# Input: benchmarks/compare/gen.py (WAI-shaped: respondent_id, w1..w12 with 1-5 and ~1% empty), converted to Parquet by
# DuckDB (benchmarks/parquet/duckdb-parquet.cs: typed columns, so the items are nullable BIGINT; row groups of about
# 123,000 rows; Snappy). Scored with benchmarks/compare/wai-shaped.yaml. The CSV output from Parquet must equal the CSV output
# from CSV byte for byte (checked), and DuckDB counts the rows of each Parquet output.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
rows="${1:-10000000}"
runs="${2:-3}"
work="${PARQUET_BENCH_WORK:-/tmp/instruments-parquet-bench}"
mkdir -p "$work"
csv="$work/wai-$rows.csv"
pq="$work/wai-$rows.parquet"
yaml=benchmarks/compare/wai-shaped.yaml
duck="dotnet run -c Release benchmarks/parquet/duckdb-parquet.cs --"
[ -f "$csv" ] || { echo "run.sh: generating $csv" >&2; python3 benchmarks/compare/gen.py "$rows" "$csv.tmp" >/dev/null && mv "$csv.tmp" "$csv"; }
[ -f "$pq" ] || { echo "run.sh: converting to $pq" >&2; $duck to-parquet "$csv" "$pq.tmp.parquet" typed && mv "$pq.tmp.parquet" "$pq"; }
echo "input: $(stat -c %s "$csv") bytes CSV, $(stat -c %s "$pq") bytes Parquet, $rows rows" >&2

dotnet build hosts/Instruments.Cli -c Release -v quiet -nologo >/dev/null
host="dotnet hosts/Instruments.Cli/bin/Release/net10.0/instruments.dll"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure NAME INPUT OUTPUT: RUNS runs of 'score', then one line of medians.
measure() {
  local name=$1 input=$2 output=$3 times="" rss=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -v -o "$work/time.txt" $host score "$yaml" --input "$input" --output "$output" --quiet
    times+="$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$work/time.txt")"$'\n'
    rss+="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")"$'\n'
  done
  local t m
  t=$(printf '%s' "$times" | median)
  m=$(printf '%s' "$rss" | median)
  printf '%-22s median %6.2f s  %10s rows/s  peak RSS %4d MiB  (runs: %s)\n' "$name" "$t" \
    "$(awk -v r="$rows" -v t="$t" 'BEGIN { printf "%.0f", r / t }')" $((m / 1024)) "$(printf '%s' "$times" | tr '\n' ' ')"
}

measure "CSV -> CSV" "$csv" "$work/from-csv.csv"
measure "Parquet -> CSV" "$pq" "$work/from-parquet.csv"
measure "CSV -> Parquet" "$csv" "$work/from-csv.parquet"
measure "Parquet -> Parquet" "$pq" "$work/from-parquet.parquet"

cmp "$work/from-csv.csv" "$work/from-parquet.csv" && echo "check: the CSV output from Parquet equals the CSV output from CSV" >&2
for f in "$work/from-csv.parquet" "$work/from-parquet.parquet"; do
  echo "check: $(basename "$f"): $($duck describe "$f" 2>/dev/null) rows, $(stat -c %s "$f") bytes" >&2
done
