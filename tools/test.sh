#!/usr/bin/env bash
# Runs every test project of the solution. Used by the README and by .ci/run.
# Each project writes a TRX file under artifacts/test-results; when a test fails, the failing tests are printed
# with their messages and stack traces at the end (the console output is kept quiet).
set -euo pipefail
cd "$(dirname "$0")/.."
results="artifacts/test-results"
rm -rf "$results"
dotnet build AgentManager.slnx -c Release --nologo -v q
# One test project at a time (-m:1): on a 2-core machine, parallel projects stretch the timing of the tests that
# wait on the engine loop.
set +e
dotnet test AgentManager.slnx -c Release --no-build --nologo -v q -m:1 \
  --logger "trx" --results-directory "$results" "$@"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
  python3 tools/test-failures.py "$results" || true
fi
exit "$rc"
