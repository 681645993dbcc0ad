#!/usr/bin/env bash
# Rupture detection (`instruments track wai-sr`) and client-therapist agreement (`instruments agree`) against pandas
# (alliance.py) on the same deterministic files (gen_alliance.py), CSV to CSV, whole process, in grouped and shuffled
# row order; then a value-by-value comparison of each pair of outputs (check_alliance.py), which fails the script on
# any difference. Before that, the hand-computed fixture (alliance-fixture/): the reference against it, and the engine
# against it and against the reference. Prints one table: median wall time, administrations/s, CPU, peak RSS and
# pandas' time relative to ours; then peak RSS of a grouped run at a tenth of the size (memory flat or not).
#
# usage: benchmarks/compare/alliance.sh [--smoke] [--runs N] [--clients N] [--dyads N] [--sessions K]
#                                       [--orders "grouped shuffled"] [--parts "track pairs summary"] [--no-memory]
#                                       [--reference-only] [--require-reference]
#   --smoke           1,000 clients x 10 sessions (track) and 500 dyads x 10 sessions x 2 forms (agree), one run,
#                     no memory pass, never installs anything; timings are printed but never judged (for CI).
#                     Without pandas it checks the engine against the fixture only and says so
#   --require-reference  fail (exit 1) instead of skipping the comparison with pandas when pandas is missing (CI)
#   --runs N          runs per tool, order and part (default 3)
#   --clients N       track: clients (default 100000); --dyads N agree: dyads (default 50000), each with K client
#                     and K therapist administrations; --sessions K administrations per client and form (default 10)
#   --orders "A B"    row orders of gen_alliance.py: grouped, session, shuffled (default "grouped shuffled")
#   --parts "A B"     what to measure: track (ruptures), pairs (agree, the pairs table), summary (agree --summary)
#   --no-memory       skip the run at a tenth of the size (grouped) that shows whether memory grows with the input
#   --reference-only  no host: check alliance.py against the fixture and time pandas alone
# The host is called as
#   instruments track wai-sr --input FILE --format csv --output OUT
#   instruments agree bench-wai-client --input CLIENT --counterpart-input THERAPIST --plugins alliance-plugin
#                     --format csv --output OUT [--summary]
# (bench-wai-client / bench-wai-therapist: test-only WAI-SR-shaped forms in alliance-plugin/, since no therapist form
# ships) and may exit 0 or 1 (some administrations invalid or unpaired: the generated files have some); any other exit
# code, or a missing output, is a failure.
# Environment: COMPARE_WORK (default /tmp/instruments-compare) holds the data, builds and outputs; INSTRUMENTS_HOST, when
# set, is the program to run instead of publishing the host (a framework-dependent build, another commit's host).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${COMPARE_WORK:-/tmp/instruments-compare}"
python=/usr/bin/python3
smoke=0
runs=3
clients=100000
dyads=50000
sessions=10
orders="grouped shuffled"
parts="track pairs summary"
memory=1
reference_only=0
require_reference=0
plugin="$here/alliance-plugin"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1; runs=1; clients=1000; dyads=500; memory=0; shift ;;
    --runs) runs="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --dyads) dyads="$2"; shift 2 ;;
    --sessions) sessions="$2"; shift 2 ;;
    --orders) orders="$2"; shift 2 ;;
    --parts) parts="$2"; shift 2 ;;
    --no-memory) memory=0; shift ;;
    --reference-only) reference_only=1; shift ;;
    --require-reference) require_reference=1; shift ;;
    *) echo "alliance.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# ---- pandas (installed from Debian's package when missing; never in smoke mode) ----
have_pandas() { "$python" -c 'import pandas' >/dev/null 2>&1; }
pandas=1
if ! have_pandas; then
  if [ "$require_reference" -eq 1 ]; then
    echo "alliance.sh: pandas is not installed (python3-pandas) and --require-reference was given" >&2
    exit 1
  elif [ "$smoke" -eq 1 ] && [ "$reference_only" -eq 0 ]; then
    echo "alliance.sh: WARNING: pandas is not installed (python3-pandas): the engine is checked against the" \
      "hand-computed fixture only; the comparison with pandas is SKIPPED" >&2
    pandas=0
  elif [ "$smoke" -eq 1 ]; then
    echo "alliance.sh: pandas is not installed (python3-pandas): no reference; skipped" >&2
    exit 0
  else
    echo "alliance.sh: installing pandas from Debian packages" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3-pandas
  fi
fi

# ---- the fixture (alliance-fixture/: hand-computed boundaries, the engine's column names) ----
fixture="$here/alliance-fixture"
check() { "$python" "$here/check_alliance.py" "$@"; }
# pairs: one row per input row, except a pair, which names two (an unusable row's client and occasion can repeat).
key_of() { case "$1" in track) echo client ;; pairs) echo status,client_line,therapist_line ;; summary) echo level,client_id,score ;; esac; }
skip_of() { case "$1" in pairs) echo reason ;; *) echo '^$' ;; esac; }
status=0
if [ "$pandas" -eq 1 ]; then
  "$python" "$here/alliance.py" track "$fixture/track.csv" "$work/alliance-fixture-pandas-track.csv"
  check "$work/alliance-fixture-pandas-track.csv" "$fixture/track-expected.csv" || status=1
  "$python" "$here/alliance.py" agree "$fixture/client.csv" "$fixture/therapist.csv" "$work/alliance-fixture-pandas-pairs.csv"
  check --key "$(key_of pairs)" "$work/alliance-fixture-pandas-pairs.csv" "$fixture/pairs-expected.csv" || status=1
  "$python" "$here/alliance.py" agree "$fixture/client.csv" "$fixture/therapist.csv" "$work/alliance-fixture-pandas-summary.csv" --summary
  check --key "$(key_of summary)" "$work/alliance-fixture-pandas-summary.csv" "$fixture/summary-expected.csv" || status=1
fi

# ---- our host: published as run.sh does (self-contained, composite ReadyToRun, TieredPGO off) ----
host_label="instruments (.NET, composite R2R)"
if [ "$reference_only" -eq 0 ] && [ -n "${INSTRUMENTS_HOST:-}" ]; then
  host="$INSTRUMENTS_HOST"
  host_label="instruments ($host)"
elif [ "$reference_only" -eq 0 ]; then
  echo "alliance.sh: building the host (Release, self-contained, composite ReadyToRun, TieredPGO off)" >&2
  rm -rf "$root/hosts/Instruments.Cli/obj/Release/net10.0/linux-x64/R2R" "$work/host"
  dotnet publish "$root/hosts/Instruments.Cli" -c Release -r linux-x64 --self-contained true \
    -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -p:TieredPGO=false -o "$work/host" -v quiet -nologo \
    >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log" >&2; exit 1; }
  host="$work/host/instruments"
fi

tools="pandas"
[ "$reference_only" -eq 1 ] || tools="ours pandas"
# command_of TOOL PART OUT FILE... (track: one input; pairs and summary: the client's and the therapist's file)
command_of() {
  local tool="$1" part="$2" out="$3"
  shift 3
  case "$tool:$part" in
    ours:track) echo "$host" track wai-sr --input "$1" --format csv --output "$out" ;;
    ours:pairs) echo "$host" agree bench-wai-client --input "$1" --counterpart-input "$2" --plugins "$plugin" --format csv --output "$out" ;;
    ours:summary) echo "$host" agree bench-wai-client --input "$1" --counterpart-input "$2" --plugins "$plugin" --format csv --output "$out" --summary ;;
    pandas:track) echo "$python" "$here/alliance.py" track "$1" "$out" ;;
    pandas:pairs) echo "$python" "$here/alliance.py" agree "$1" "$2" "$out" ;;
    pandas:summary) echo "$python" "$here/alliance.py" agree "$1" "$2" "$out" --summary ;;
  esac
}
ok_exit() { [ "$2" -eq 0 ] || { [ "$1" = ours ] && [ "$2" -eq 1 ]; }; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
inputs_of() { # part order clients/dyads: the input file(s), generated once
  local part="$1" order="$2" n="$3"
  if [ "$part" = track ]; then
    local f="$work/alliance-track-$n-$sessions-$order.csv"
    if [ ! -s "$f" ]; then
      echo "alliance.sh: generating $f" >&2
      "$python" "$here/gen_alliance.py" track --clients "$n" --sessions "$sessions" --order "$order" "$f.tmp"
      mv "$f.tmp" "$f"
    fi
    echo "$f"
  else
    local c="$work/alliance-agree-$n-$sessions-$order-client.csv" t="$work/alliance-agree-$n-$sessions-$order-therapist.csv"
    if [ ! -s "$c" ] || [ ! -s "$t" ]; then
      echo "alliance.sh: generating $c and $t" >&2
      "$python" "$here/gen_alliance.py" agree --dyads "$n" --sessions "$sessions" --order "$order" "$c.tmp" "$t.tmp"
      mv "$c.tmp" "$c"
      mv "$t.tmp" "$t"
    fi
    echo "$c $t"
  fi
}

# The engine on the fixture: against the hand-computed values, then against the reference on the same files.
if [ "$reference_only" -eq 0 ]; then
  for part in track pairs summary; do
    if [ "$part" = track ]; then files=("$fixture/track.csv"); else files=("$fixture/client.csv" "$fixture/therapist.csv"); fi
    out="$work/alliance-fixture-ours-$part.csv"
    rm -f "$out"
    code=0
    # shellcheck disable=SC2046
    $(command_of ours "$part" "$out" "${files[@]}") 2>"$work/alliance-fixture-ours-$part.stderr" || code=$?
    if ! ok_exit ours "$code" || [ ! -s "$out" ]; then
      echo "alliance.sh: the host failed on the fixture ($part, exit $code):" >&2
      cat "$work/alliance-fixture-ours-$part.stderr" >&2
      status=1
      continue
    fi
    check --key "$(key_of "$part")" "$out" "$fixture/$part-expected.csv" || status=1
    if [ "$pandas" -eq 1 ]; then
      check --key "$(key_of "$part")" --skip "$(skip_of "$part")" "$out" "$work/alliance-fixture-pandas-$part.csv" || status=1
    fi
  done
  if [ "$pandas" -eq 0 ]; then
    [ "$status" -eq 0 ] && echo "alliance.sh: the engine agrees with the hand-computed fixture; no pandas, no timings" >&2
    exit "$status"
  fi
fi

# measure TOOL PART LABEL N FILE...: N timed runs; appends the medians to $results
measure() {
  local tool="$1" part="$2" label="$3" n="$4"
  shift 4
  local out="$work/alliance-out-$tool-$part-$label.csv"
  local walls=() rsss=() cpus=() i wall rss code cpu
  rm -f "$out"
  for ((i = 1; i <= n; i++)); do
    # shellcheck disable=SC2046
    read -r wall rss code cpu < <("$python" "$here/measure.py" --cpu "$work/alliance-stdout.txt" $(command_of "$tool" "$part" "$out" "$@") \
      2>"$work/alliance-stderr-$tool.txt")
    if ! ok_exit "$tool" "$code" || [ ! -s "$out" ]; then
      echo "alliance.sh: $tool $part failed on $label input (exit $code):" >&2
      head -20 "$work/alliance-stderr-$tool.txt" >&2
      status=1
      continue
    fi
    walls+=("$wall"); rsss+=("$rss"); cpus+=("$cpu")
    echo "alliance.sh: $tool $part $label run $i: ${wall} s, CPU ${cpu} s, $((rss / 1024)) MiB" >&2
  done
  [ "${#walls[@]}" -gt 0 ] || return 0
  wall=$(printf '%s\n' "${walls[@]}" | median)
  rss=$(printf '%s\n' "${rsss[@]}" | median)
  cpu=$(printf '%s\n' "${cpus[@]}" | median)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$part" "$tool" "${#walls[@]}" "$wall" "$rss" "$cpu" >>"$results"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
results="$work/alliance-results.tsv"
: >"$results"
for order in $orders; do
  for part in $parts; do
    n=$clients
    [ "$part" = track ] || n=$dyads
    # shellcheck disable=SC2207
    files=($(inputs_of "$part" "$order" "$n"))
    for tool in $tools; do
      measure "$tool" "$part" "$order" "$runs" "${files[@]}"
    done
    # The differential test: every value of the reference must be in ours, the same.
    ours="$work/alliance-out-ours-$part-$order.csv" theirs="$work/alliance-out-pandas-$part-$order.csv"
    if [ "$reference_only" -eq 0 ] && [ -s "$ours" ] && [ -s "$theirs" ]; then
      check --key "$(key_of "$part")" --skip "$(skip_of "$part")" "$ours" "$theirs" || status=1
    fi
  done
done
# Memory against size: the grouped files at a tenth of the clients (dyads), one run each.
if [ "$memory" -eq 1 ]; then
  for part in $parts; do
    n=$((clients / 10))
    [ "$part" = track ] || n=$((dyads / 10))
    # shellcheck disable=SC2207
    files=($(inputs_of "$part" grouped "$n"))
    for tool in $tools; do
      measure "$tool" "$part" "grouped-tenth" 1 "${files[@]}"
    done
  done
fi

# ---- the table ----
rows_of() { # part label: administrations in the input(s)
  local n
  case "$1" in track) n=$clients ;; *) n=$((dyads * 2)) ;; esac
  [ "$2" != grouped-tenth ] || n=$((n / 10))
  echo $((n * sessions))
}
echo
printf '| administrations | order | part | tool | runs | median wall | administrations/s | CPU (user+sys) | peak RSS | pandas vs ours |\n'
printf '| ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n'
while IFS=$'\t' read -r label part tool n wall rss cpu; do
  ours=$(awk -F'\t' -v o="$label" -v t="$part" '$1 == o && $2 == t && $3 == "ours" {print $5}' "$results")
  pandas=$(awk -F'\t' -v o="$label" -v t="$part" '$1 == o && $2 == t && $3 == "pandas" {print $5}' "$results")
  awk -v rows="$(rows_of "$part" "$label")" -v order="$label" -v part="$part" -v tool="$tool" -v n="$n" -v wall="$wall" \
      -v rss="$rss" -v cpu="$cpu" -v ours="${ours:-0}" -v pandas="${pandas:-0}" -v ourlabel="$host_label" '
  function group(x,   s) { s = sprintf("%d", x); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
  BEGIN {
    label = (tool == "ours") ? ourlabel : "pandas";
    what = (part == "track") ? "track wai-sr" : (part == "pairs") ? "agree" : "agree --summary";
    ratio = (tool == "ours" && ours > 0 && pandas > 0) ? sprintf("%.1fx", pandas / ours) : "";
    printf "| %s | %s | %s | %s | %d | %.2f s | %s | %.2f s | %.0f MiB | %s |\n", group(rows), order, what, label, n, wall, group(int(rows / wall)), cpu, rss / 1024, ratio
  }'
done <"$results"
echo
echo "$(date -u +%Y-%m-%d\ %H:%M) UTC, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$status" -ne 0 ]; then
  echo "alliance.sh: FAILED (a tool crashed or the outputs disagree)" >&2
fi
exit "$status"
