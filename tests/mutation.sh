#!/usr/bin/env bash
# Mutation testing (Stryker.NET 5.1.0: dotnet tool install -g dotnet-stryker --version 5.1.0).
# Usage: tests/mutation.sh [scoring|compiler|binder|course|all] [concurrency]
# Each run is scoped to the files it names, so it finishes in minutes on a small machine.
# Reports (html, json, cleartext) go to StrykerOutput/<run>/ at the repository root (git-ignored).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
run="${1:-scoring}"
concurrency="${2:-2}"
stryker=(dotnet stryker)
command -v dotnet-stryker >/dev/null 2>&1 && stryker=(dotnet-stryker)
# A global tool lives in ~/.dotnet/tools, which is not always on PATH.
[ "${stryker[0]}" = dotnet ] && [ -x "$HOME/.dotnet/tools/dotnet-stryker" ] && stryker=("$HOME/.dotnet/tools/dotnet-stryker")

mutate() { # <run name> <project folder> <project file> <test project> <mutate globs...>
  local name="$1" dir="$2" project="$3" tests="$4"; shift 4
  local args=()
  for glob in "$@"; do args+=(--mutate "$glob"); done
  (cd "$root/$dir" && "${stryker[@]}" --project "$project" --test-project "$root/$tests" "${args[@]}" \
    --reporter html --reporter json --reporter cleartext --reporter progress \
    --concurrency "$concurrency" --output "$root/StrykerOutput/$name")
}

case "$run" in
  scoring) mutate scoring sdk/Instruments.Sdk Instruments.Sdk.csproj tests/Instruments.Sdk.Tests/Instruments.Sdk.Tests.csproj "**/Scoring/*.cs" ;;
  compiler) mutate compiler sdk/Instruments.Compiler Instruments.Compiler.csproj tests/Instruments.Compiler.Tests/Instruments.Compiler.Tests.csproj \
    "**/YamlDefinitionReader.cs" "**/InstrumentCompiler.cs" ;;
  binder) mutate binder sdk/Instruments.Sdk Instruments.Sdk.csproj tests/Instruments.Compiler.Tests/Instruments.Compiler.Tests.csproj "**/Definitions/DefinitionBinder.cs" ;;
  course) mutate course sdk/Instruments.Sdk Instruments.Sdk.csproj tests/Instruments.Sdk.Tests/Instruments.Sdk.Tests.csproj \
    "**/Course/CourseAnalyzer.cs" "**/Course/ScoreCourse.cs" "**/Definitions/ChangeRules.cs" ;;
  all) "$0" scoring "$concurrency"; "$0" compiler "$concurrency"; "$0" binder "$concurrency"; "$0" course "$concurrency" ;;
  *) echo "usage: $0 [scoring|compiler|binder|course|all] [concurrency]" >&2; exit 2 ;;
esac
