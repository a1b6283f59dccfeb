#!/usr/bin/env bash
# Smoke test of the performance tooling (benchmarks/AgentManager.Benchmarks): builds it, runs the
# throughput runner at small N (in-memory and SQLite store), the compare table (every engine on every
# workload, each in its own process), the graph bulk-load runner, and every BenchmarkDotNet benchmark
# once (bench --smoke). It checks that everything starts and
# finishes and asserts no timing: it exits non-zero only when something crashes or hangs.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build benchmarks/AgentManager.Benchmarks -c Release --nologo -v q
dll=benchmarks/AgentManager.Benchmarks/bin/Release/net10.0/AgentManager.Benchmarks.dll
run() { echo "+ AgentManager.Benchmarks $*" >&2; dotnet "$dll" "$@"; }

run throughput --workload layers --n 2000 --timeout 120
run throughput --store sqlite --workload independent --n 2000 --timeout 120

# Bad input must say so with exit code 2, not crash.
set +e
run throughput --store nosuchstore --n 10
rc=$?
set -e
if [ "$rc" -ne 2 ]; then
  echo "bench-smoke: --store nosuchstore exited $rc, expected 2" >&2
  exit 1
fi

run graphload --n 20000
run eventrate --events 20000 --rounds 1
# Exits non-zero when any engine's run on any workload fails.
run compare --n 2000 --chain-n 1000 --timeout 120 >/dev/null
run bench --smoke
echo "bench-smoke: every runner started and finished"
