#!/usr/bin/env bash
# The fuzzing harness (issue 13; docs/security.md, "Fuzzing").
#
#   tests/fuzz/run.sh TARGET SECONDS      AFL++ run of one target: installs afl++ (apt) and the sharpfuzz tool, publishes
#                                   the harness, instruments the Instruments.* assemblies (and YamlDotNet, Scriban),
#                                   runs afl-fuzz for SECONDS and prints executions, crashes and hangs.
#   tests/fuzz/run.sh --smoke [--no-build] In-process deterministic smoke run of every target (no AFL; CI runs this):
#                                   seed corpus + seeded mutations, a deadline per input; non-zero on a new finding.
#   tests/fuzz/run.sh --repro TARGET FILE Runs one saved input through a target (uninstrumented) and prints the outcome.
#
# Targets: compiler, csv, json, ndjson, template. AFL output goes to artifacts/fuzz/TARGET/; crashes found there are
# inputs to save under tests/fuzz/findings/ (and, for a known issue, to list in tests/fuzz/known-issues.txt).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

targets=(compiler csv json ndjson template track protocol)
project=tests/fuzz/Instruments.Fuzz/Instruments.Fuzz.csproj

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

smoke() {
  local build=1
  [ "${1:-}" = "--no-build" ] && build=0
  if [ "$build" -eq 1 ]; then
    dotnet build "$project" -c Debug -v q -nologo | { grep -E "error|warn" || true; }
  fi
  local dll=tests/fuzz/Instruments.Fuzz/bin/Debug/net10.0/Instruments.Fuzz.dll
  local failed=0 start=$SECONDS
  for t in "${targets[@]}"; do
    local status=0
    # The harness has its own per-input deadline; this bounds the process in case the runtime itself wedges.
    timeout 300 dotnet "$dll" smoke "$t" --iterations "${FUZZ_SMOKE_ITERATIONS:-1000}" || status=$?
    if [ "$status" -ne 0 ]; then
      failed=1
      if [ "$status" -gt 128 ]; then
        echo "fuzz $t: the process died (exit $status, e.g. a stack overflow); the input it was running is in ${TMPDIR:-/tmp}/instruments-fuzz-last-$t.bin" >&2
      fi
    fi
  done
  echo "fuzz smoke: ${#targets[@]} targets in $((SECONDS - start)) s"
  return "$failed"
}

install_tools() {
  if ! command -v afl-fuzz >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
  fi
  sharpfuzz=artifacts/fuzz/tools/sharpfuzz
  if [ ! -x "$sharpfuzz" ]; then
    dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path artifacts/fuzz/tools >/dev/null
  fi
}

# Publishes a fresh copy of the harness and instruments it (instrumenting twice is an error, so never in place).
build_instrumented() {
  local out=artifacts/fuzz/bin
  rm -rf "$out.tmp"
  dotnet publish "$project" -c Release -o "$out.tmp" -v q -nologo | { grep -E "error|warn" || true; }
  for asm in Instruments.Sdk Instruments.Compiler Instruments.Data Instruments.Reports YamlDotNet Scriban.Signed; do
    "$sharpfuzz" "$out.tmp/$asm.dll" >/dev/null
  done
  rm -rf "$out" && mv "$out.tmp" "$out"
}

afl() {
  local target=$1 seconds=$2
  [[ " ${targets[*]} " == *" $target "* ]] || usage
  install_tools
  # FUZZ_REUSE_BUILD=1 keeps an earlier instrumented build (several targets in a row).
  if [ "${FUZZ_REUSE_BUILD:-0}" != 1 ] || [ ! -f artifacts/fuzz/bin/Instruments.Fuzz.dll ]; then
    build_instrumented
  fi
  local out=artifacts/fuzz/$target dict=tests/fuzz/dictionaries/$target.dict
  [ "$target" = ndjson ] && dict=tests/fuzz/dictionaries/json.dict
  [ "$target" = track ] && dict=tests/fuzz/dictionaries/csv.dict
  [ "$target" = protocol ] && dict=tests/fuzz/dictionaries/compiler.dict
  mkdir -p "$out"
  echo "afl-fuzz: $target for $seconds s (output in $out)"
  # dotnet is not instrumented itself (SharpFuzz instruments the assemblies it loads), so skip afl's binary check;
  # no UI, no CPU binding on a shared machine, resume from an earlier run's queue, a slow first start allowed.
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_AUTORESUME=1 \
  AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=60000 \
    afl-fuzz -i "tests/fuzz/corpus/$target" -o "$out" -x "$dict" -t 5000 -m none -V "$seconds" \
      -- dotnet artifacts/fuzz/bin/Instruments.Fuzz.dll afl "$target" >"$out/afl.log" 2>&1 || {
        echo "afl-fuzz failed; the end of its log:" >&2; tail -20 "$out/afl.log" >&2; return 1; }
  local stats=$out/default/fuzzer_stats
  awk -F' *: *' -v t="$target" '
    /^execs_done/ {e=$2} /^execs_per_sec/ {s=$2} /^saved_crashes/ {c=$2} /^saved_hangs/ {h=$2}
    /^corpus_count/ {q=$2} /^bitmap_cvg/ {b=$2} /^run_time/ {r=$2}
    END {printf "afl %s: %s executions in %s s (%s/s), %s crashes, %s hangs, corpus %s, coverage %s\n", t, e, r, s, c, h, q, b}' "$stats"
  ls "$out/default/crashes" "$out/default/hangs" 2>/dev/null | grep -v -e README -e '^$' -e ':$' | sed "s|^|  |" || true
}

case "${1:-}" in
  --smoke) shift; smoke "$@" ;;
  --repro)
    [ $# -eq 3 ] || usage
    dotnet build "$project" -c Debug -v q -nologo | { grep -E "error|warn" || true; }
    dotnet tests/fuzz/Instruments.Fuzz/bin/Debug/net10.0/Instruments.Fuzz.dll repro "$2" "$3" ;;
  ""|-h|--help) usage ;;
  *) [ $# -eq 2 ] || usage; afl "$1" "$2" ;;
esac
