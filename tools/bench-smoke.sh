#!/usr/bin/env bash
# Smoke test of the performance tooling (benchmarks/AgentManager.Benchmarks): builds it, runs the
# throughput runner at small N for every engine and workload, the graph bulk-load runner, the compare
# table, and every BenchmarkDotNet benchmark once (bench --smoke). It checks that everything starts and
# finishes and asserts no timing: it exits non-zero only when something crashes or hangs.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build benchmarks/AgentManager.Benchmarks -c Release --nologo -v q
dll=benchmarks/AgentManager.Benchmarks/bin/Release/net10.0/AgentManager.Benchmarks.dll
run() { echo "+ AgentManager.Benchmarks $*" >&2; dotnet "$dll" "$@"; }

for engine in agentmanager channels hangfire; do
  for workload in independent tree chain layers; do
    run throughput --engine "$engine" --workload "$workload" --n 2000 --timeout 120
  done
done

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
run compare --n 2000 --chain-n 1000 --timeout 120 >/dev/null
run bench --smoke
echo "bench-smoke: every runner started and finished"
