#!/usr/bin/env bash
# Side-by-side bulk scoring: `instruments score` against what users pick instead (R read.csv + psych, R data.table +
# psych, pandas, or a single-purpose C# program written by hand: handwritten/), on the same deterministic WAI-shaped
# CSV files, whole process, each tool run several times.
# Prints one table: median wall time, rows/s, peak memory and each tool's time relative to ours; fails when any
# tool's score columns disagree with ours (numbers within 1e-9, same empty cells) or a tool crashes.
#
# usage: benchmarks/compare/run.sh [--smoke] [--runs N] [--rows "1000000 10000000"] [--peer-runs-large N]
#   --smoke            10,000 rows, one run, only peers that are already installed, never installs, timings are
#                      printed but never judged (for CI)
#   --runs N           runs per tool and size (default 3)
#   --rows "A B"       input sizes (default "1000000 10000000")
#   --peer-runs-large N  runs of the peers for sizes above 1,000,000 rows (default 1: R read.csv takes minutes there)
# Environment: COMPARE_WORK (default /tmp/instruments-compare) holds the data, builds and outputs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${COMPARE_WORK:-/tmp/instruments-compare}"
python=/usr/bin/python3
smoke=0
runs=3
sizes="1000000 10000000"
peer_runs_large=1
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1; runs=1; sizes=10000; shift ;;
    --runs) runs="$2"; shift 2 ;;
    --rows) sizes="$2"; shift 2 ;;
    --peer-runs-large) peer_runs_large="$2"; shift 2 ;;
    *) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

have_r() { command -v Rscript >/dev/null 2>&1 && Rscript -e 'suppressPackageStartupMessages(library(psych))' >/dev/null 2>&1; }
have_datatable() { have_r && Rscript -e 'suppressPackageStartupMessages(library(data.table))' >/dev/null 2>&1; }
have_pandas() { "$python" -c 'import pandas' >/dev/null 2>&1; }

# ---- peers (installed from Debian's packages when missing; never in smoke mode) ----
if [ "$smoke" -eq 0 ] && { ! have_r || ! have_datatable || ! have_pandas; }; then
  echo "run.sh: installing R, psych, data.table and pandas from Debian packages" >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y r-base-core r-cran-psych r-cran-data.table python3-pandas
fi

# ---- our host: Release, published self-contained with one composite ReadyToRun image (start-up is measured) ----
# How to ship the CLI for bulk work: the framework and our assemblies precompiled together, so that the generic code
# the YAML front end instantiates is not jitted at start-up (one-row file: 105 ms framework-dependent ReadyToRun,
# 80 ms composite; 1M rows: 0.30 s -> 0.28 s). TieredPGO=false: no instrumented tier for the hot loops, which a run
# of one second never pays back (1M rows: 0.40 s instead of 0.56 s, median of 5; 10M rows: the same).
# The ReadyToRun intermediates are removed first: an image left over from an earlier build of a changed assembly
# has crashed the process at start-up.
echo "run.sh: building the host (Release, self-contained, composite ReadyToRun, TieredPGO off)" >&2
rm -rf "$root/hosts/Instruments.Cli/obj/Release/net10.0/linux-x64/R2R" "$work/host"
dotnet publish "$root/hosts/Instruments.Cli" -c Release -r linux-x64 --self-contained true \
  -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -p:TieredPGO=false -o "$work/host" -v quiet -nologo \
  >"$work/publish.log" 2>&1 \
  || { cat "$work/publish.log" >&2; exit 1; }
host="$work/host/instruments"
yaml="$here/wai-shaped.yaml"

# ---- the hand-written peer: single-purpose C#, one thread, the same rules hard-coded (handwritten/Program.cs) ----
echo "run.sh: building the hand-written C# scorer" >&2
rm -rf "$work/handwritten"
dotnet publish "$here/handwritten" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$work/handwritten" -v quiet -nologo >"$work/publish-handwritten.log" 2>&1 \
  || { cat "$work/publish-handwritten.log" >&2; exit 1; }

tools="ours csharp"
have_r && tools="$tools r-readcsv"
have_datatable && tools="$tools r-datatable"
have_pandas && tools="$tools pandas"

command_of() { # tool input output
  case "$1" in
    ours) echo "$host" score "$yaml" --input "$2" --output "$3" --quiet ;;
    r-readcsv) echo Rscript "$here/score.R" readcsv "$2" "$3" ;;
    r-datatable) echo Rscript "$here/score.R" datatable "$2" "$3" ;;
    pandas) echo "$python" "$here/score.py" "$2" "$3" ;;
    csharp) echo "$work/handwritten/handwritten" "$2" "$3" ;;
  esac
}
label_of() {
  case "$1" in
    ours) echo "instruments score (.NET, composite R2R)" ;;
    r-readcsv) echo "R read.csv + psych::scoreItems" ;;
    r-datatable) echo "R data.table + psych::scoreItems" ;;
    pandas) echo "pandas" ;;
    csharp) echo "hand-written C# (single purpose, 1 thread)" ;;
  esac
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
results="$work/results.tsv"
: >"$results"
status=0
for rows in $sizes; do
  data="$work/wai-$rows.csv"
  if [ ! -s "$data" ]; then
    echo "run.sh: generating $data" >&2
    "$python" "$here/gen.py" "$rows" "$data.tmp" && mv "$data.tmp" "$data"
  fi
  outputs=()
  for tool in $tools; do
    n=$runs
    if [ "$tool" != ours ] && [ "$rows" -gt 1000000 ]; then n=$peer_runs_large; fi
    out="$work/out-$tool-$rows.csv"
    walls=(); rsss=()
    for ((i = 1; i <= n; i++)); do
      # shellcheck disable=SC2046
      read -r wall rss code < <("$python" "$here/measure.py" "$work/stdout.txt" $(command_of "$tool" "$data" "$out"))
      if [ "$code" -ne 0 ]; then
        echo "run.sh: $tool failed on $rows rows (exit $code)" >&2
        status=1
        continue
      fi
      walls+=("$wall"); rsss+=("$rss")
      echo "run.sh: $tool $rows rows run $i: ${wall} s, $((rss / 1024)) MiB" >&2
    done
    [ "${#walls[@]}" -gt 0 ] || continue
    outputs+=("$out")
    wall=$(printf '%s\n' "${walls[@]}" | median)
    rss=$(printf '%s\n' "${rsss[@]}" | median)
    printf '%s\t%s\t%s\t%s\t%s\n' "$rows" "$tool" "${#walls[@]}" "$wall" "$rss" >>"$results"
  done
  # The score columns of every peer must agree with ours.
  if [ "${#outputs[@]}" -gt 1 ]; then
    "$python" "$here/check.py" "${outputs[@]}" || status=1
  fi
done

# ---- the table ----
echo
printf '| rows | tool | runs | median wall | rows/s | peak RSS | time vs ours |\n'
printf '| ---: | --- | ---: | ---: | ---: | ---: | ---: |\n'
while IFS=$'\t' read -r rows tool n wall rss; do
  ours=$(awk -F'\t' -v r="$rows" '$1 == r && $2 == "ours" {print $4}' "$results")
  awk -v rows="$rows" -v label="$(label_of "$tool")" -v n="$n" -v wall="$wall" -v rss="$rss" -v ours="${ours:-0}" '
  function group(x,   s) { s = sprintf("%d", x); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
  BEGIN {
    ratio = (ours > 0) ? sprintf("%.1fx", wall / ours) : "-";
    printf "| %s | %s | %d | %.2f s | %s | %.0f MiB | %s |\n", group(rows), label, n, wall, group(int(rows / wall)), rss / 1024, ratio
  }'
done <"$results"
echo
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$status" -ne 0 ]; then
  echo "run.sh: FAILED (a tool crashed or the outputs disagree)" >&2
fi
exit "$status"
