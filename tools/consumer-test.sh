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
for p in "${packages[@]}"; do
  dotnet add package "$p" --version "$version" --source "$feed" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
done
dotnet add package Microsoft.Extensions.Hosting --version 10.0.15 >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
# The program is the code of the docs, plus checks of what it did: docs/getting-started.md (steps 2 and 3)
# as the top-level program, the example of AgentManager.Core/README.md (the nuget.org page) and, with the
# Hosting package, docs/hosting.md (steps 2 and 3: a web app on a free port, called over HTTP), each
# wrapped in a method of its own file.
python3 - "$repo" "${packages[*]}" <<'PY'
import re, sys
repo, packages = sys.argv[1], sys.argv[2].split()

def blocks(path):
    return re.findall(r"```csharp\n(.*?)```", open(f"{repo}/{path}").read(), re.S)

def method_file(name, code, checks):
    """Moves the leading using directives to the top of a new file and the rest into `name.RunAsync`."""
    lines = code.splitlines()
    split = 0
    while split < len(lines) and (lines[split].startswith("using ") and "=" not in lines[split] or not lines[split].strip()):
        split += 1
    body = "\n".join("        " + line for line in lines[split:] + checks.splitlines())
    with open(f"{name}.cs", "w") as f:
        f.write("\n".join(lines[:split]) + f"\n\ninternal static class {name}\n{{\n"
                "    public static async Task<bool> RunAsync(string[] args)\n    {\n" + body + "\n    }\n}\n")

started = blocks("docs/getting-started.md")
method_file("CoreReadme", blocks("AgentManager.Core/README.md")[0],
            'return summary.Status == WorkflowStatus.Completed && summary.Completed == 2;')
program = started[0] + started[1] + """var written = File.ReadAllText(Path.Combine("agentmanager-runs", summary.WorkflowId, "notes", "notes.md"));
Console.WriteLine($"status={summary.Status} completed={summary.Completed}/{summary.Tasks.Count} file={written.Trim()}");
var ok = summary.Status == WorkflowStatus.Completed && summary.Completed == 2 && written == "write the notes";
var readme = await CoreReadme.RunAsync(args);
Console.WriteLine($"package readme example: {(readme ? "passed" : "FAILED")}");
ok &= readme;
"""
if "AgentManager.Hosting" in packages:
    hosting = blocks("docs/hosting.md")
    method_file("HostingPage", hosting[0] + hosting[1],
                'return health.GetProperty("status").GetString() == "ok" && status == "completed";')
    program += """var hosting = await HostingPage.RunAsync(args);
Console.WriteLine($"hosting page: {(hosting ? "passed" : "FAILED")}");
ok &= hosting;
"""
program += "return ok ? 0 : 1;\n"
open("Program.cs", "w").write(program)
PY
if grep -q 'ProjectReference' ConsumerApp.csproj; then
  echo "consumer-test: the app must reference packages only" >&2
  exit 1
fi
output="$(timeout 600 dotnet run -c Release 2>&1)" || { echo "$output" >&2; echo "consumer-test: FAILED" >&2; exit 1; }
echo "$output" | grep -E '^(status=|package readme example:|hosting page:)'
echo "consumer-test: passed"
