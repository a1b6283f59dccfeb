#!/usr/bin/env bash
# Consumer check: packs the shipped packages, then builds and runs a brand-new console app outside the
# repository that gets them only through `dotnet add package`, and asserts what its workflow did.
# Uses the Release build of tools/test.sh when present (pack --no-build), else builds.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/agentmanager-consumer.XXXXXX)"
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
cleanup() { rm -rf "$work"; [ -n "${version:-}" ] && rm -rf "$cache"/agentmanager.*/"$version"; return 0; }
trap cleanup EXIT
feed="$work/feed"
app="$work/ConsumerApp"
# A fresh version each run, so the NuGet cache never serves an older build of the same number.
suffix="consumer.$(date +%Y%m%d%H%M%S).$$"
packages=(AgentManager.Core)
for extra in AgentManager.Hosting AgentManager.Storage.Postgres AgentManager.Storage.Redis AgentManager.Storage.S3 AgentManager.Memory.Qdrant; do
  [ -f "$repo/$extra/$extra.csproj" ] && packages+=("$extra")
done

build_flag=--no-build
[ -f "$repo/AgentManager.Core/bin/Release/net10.0/AgentManager.Core.dll" ] || build_flag=
for p in "${packages[@]}"; do
  dotnet pack "$repo/$p/$p.csproj" -c Release $build_flag -o "$feed" --version-suffix "$suffix" --nologo -v q
done
version="$(basename "$(ls "$feed"/AgentManager.Core.*.nupkg | grep -v snupkg | head -1)" .nupkg)"
version="${version#AgentManager.Core.}"
echo "consumer-test: packed ${packages[*]} $version into $feed"

mkdir -p "$app"
cd "$app"
dotnet new console --framework net10.0 --name ConsumerApp --output . --force >/dev/null
log="$work/add.log"
dotnet add package AgentManager.Core --version "$version" --source "$feed" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
dotnet add package Microsoft.Extensions.Hosting --version 10.0.15 >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
# The program is the code of docs/getting-started.md (steps 2 and 3), plus checks of what it did.
python3 - "$repo/docs/getting-started.md" > Program.cs <<'PY'
import re, sys
blocks = re.findall(r"```csharp\n(.*?)```", open(sys.argv[1]).read(), re.S)
print(blocks[0] + blocks[1])
print("""var written = File.ReadAllText(Path.Combine("agentmanager-runs", summary.WorkflowId, "notes", "notes.md"));
Console.WriteLine($"status={summary.Status} completed={summary.Completed}/{summary.Tasks.Count} file={written.Trim()}");
return summary.Status == WorkflowStatus.Completed && summary.Completed == 2 && written == "write the notes" ? 0 : 1;""")
PY
if grep -q 'ProjectReference' ConsumerApp.csproj; then
  echo "consumer-test: the app must reference packages only" >&2
  exit 1
fi
output="$(dotnet run -c Release 2>&1)" || { echo "$output" >&2; echo "consumer-test: FAILED" >&2; exit 1; }
echo "$output" | tail -1
echo "consumer-test: passed"
