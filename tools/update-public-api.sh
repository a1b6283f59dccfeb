#!/usr/bin/env bash
# Adds every public member that is missing from a shipped package's PublicAPI.Unshipped.txt (RS0016):
# builds the package, takes the symbols the analyzer names, appends them and sorts the file.
# Members that were removed (RS0017) are not deleted: remove their lines by hand, the build names them.
set -euo pipefail
cd "$(dirname "$0")/.."
for csproj in AgentManager.*/AgentManager.*.csproj; do
  dir=$(dirname "$csproj")
  file="$dir/PublicAPI.Unshipped.txt"
  missing=$(dotnet build "$csproj" -c Release --no-incremental -p:TreatWarningsAsErrors=false 2>&1 \
    | grep -oP "RS0016: Symbol '\K.*(?=' is not part of the declared public API)" | sort -u || true)
  if [[ -n "$missing" ]]; then
    { grep -v '^#nullable enable$' "$file" || true; printf '%s\n' "$missing"; } | grep -v '^$' | LC_ALL=C sort -u > "$file.tmp"
    { echo '#nullable enable'; cat "$file.tmp"; } > "$file"
    rm "$file.tmp"
  fi
done
git status --short -- 'AgentManager.*/PublicAPI.*.txt'
