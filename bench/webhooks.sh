#!/usr/bin/env bash
# Measures webhook delivery on SQLite and on PostgreSQL: inquiries created
# through the API at a fixed rate, each delivering inquiry.created to a
# local receiver, against a Go client posting to the same receiver at the
# same rate in the same run.
#   bench/webhooks.sh                 both databases, 500 events/s, 10 s per rate
#   DURATION=30s RATE=500 bench/webhooks.sh
#   ENDPOINTS=10 bench/webhooks.sh    10 endpoints: one inquiry makes 10 deliveries,
#                                     so inquiries are created at RATE/10 a second
# The load average is printed before each database: the benchmark shares
# the machine, and other work on it shows in the baseline too.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bin
go build -o bin/vouch ./cmd/vouch
go build -o bin/webhookbench ./bench/webhookbench
PG="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "go: $(go version)"
args=(-vouch ./bin/vouch -duration "${DURATION:-10s}" -rate "${RATE:-500}" -endpoints "${ENDPOINTS:-1}")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
./bin/webhookbench "${args[@]}" -database sqlite
# A fresh schema keeps the benchmark's rows out of everything else.
schema="bench_webhooks_$(date +%s)"
psql "$PG" -qc "CREATE SCHEMA $schema" >/dev/null
trap 'psql "$PG" -qc "SET client_min_messages=warning; DROP SCHEMA $schema CASCADE" >/dev/null' EXIT
sep='?'; case "$PG" in *\?*) sep='&';; esac
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
./bin/webhookbench "${args[@]}" -database "${PG}${sep}search_path=${schema}"
