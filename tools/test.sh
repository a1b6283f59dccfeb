#!/usr/bin/env bash
# Runs every test project of the solution. Used by the README and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build AgentManager.slnx -c Release --nologo -v q
# One test project at a time (-m:1): on a 2-core machine, parallel projects stretch the timing of the tests that
# wait on the engine loop.
dotnet test AgentManager.slnx -c Release --no-build --nologo -v q -m:1 "$@"
