#!/usr/bin/env bash
# Smoke test of the performance tooling (benchmarks/AgentManager.Benchmarks): builds it, runs the
# throughput runner at small N (in-memory, SQLite and PostgreSQL stores), the store reads runner, the compare table (every engine on every
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
run throughput --workload tree --n 5000 --steady --timeout 120
run throughput --store sqlite --workload independent --n 2000 --timeout 120

# The PostgreSQL store: on the server AGENTMANAGER_BENCH_POSTGRES names, or on a throw-away cluster of the machine's
# PostgreSQL (initdb refuses root: as root it runs as the postgres user).
pg_dir=""
stop_pg() { if [ -n "$pg_dir" ]; then as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; fi; }
trap stop_pg EXIT
as_pg() { if [ "$(id -u)" -eq 0 ]; then (cd /tmp && runuser -u postgres -- "$@"); else "$@"; fi; }
if [ -z "${AGENTMANAGER_BENCH_POSTGRES:-}" ]; then
  pg_bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)")
  pg_dir=$(mktemp -d /tmp/agentmanager-bench-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pg_dir"
  pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/pg.log" -w -t 60 \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  export AGENTMANAGER_BENCH_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
fi
run throughput --store postgres --workload independent --n 2000 --timeout 120
run storereads --store sqlite --finished 20 --running 5 --tasks 50 --rounds 1
run storereads --store postgres --finished 20 --running 5 --tasks 50 --rounds 1

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
