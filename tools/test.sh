#!/usr/bin/env bash
# Runs every test project of the solution. Used by the README and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build AgentManager.slnx -c Release --nologo -v q
dotnet test AgentManager.slnx -c Release --no-build --nologo -v q "$@"
