#!/usr/bin/env bash
# Adds every public member that is missing from a shipped package's PublicAPI.Unshipped.txt (RS0016).
# Members that were removed (RS0017) are not deleted: remove their lines by hand, the build names them.
set -euo pipefail
cd "$(dirname "$0")/.."
for csproj in AgentManager.*/AgentManager.*.csproj; do
  dotnet format analyzers "$csproj" --diagnostics RS0016 --severity info -v q
done
git status --short -- 'AgentManager.*/PublicAPI.*.txt'
