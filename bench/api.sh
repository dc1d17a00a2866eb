#!/usr/bin/env bash
# Measures create-inquiry and retrieve-inquiry over real HTTP on SQLite and
# on PostgreSQL, each against a trivial Go handler in the same run.
#   bench/api.sh            both databases, 10 s per run
#   DURATION=30s bench/api.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bin
go build -o bin/vouch ./cmd/vouch
go build -o bin/apibench ./bench/apibench
PG="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "go: $(go version)"
./bin/apibench -vouch ./bin/vouch -database sqlite -duration "${DURATION:-10s}"
# A fresh schema keeps the benchmark's rows out of everything else.
schema="bench_$(date +%s)"
psql "$PG" -qc "CREATE SCHEMA $schema" >/dev/null
trap 'psql "$PG" -qc "SET client_min_messages=warning; DROP SCHEMA $schema CASCADE" >/dev/null' EXIT
sep='?'; case "$PG" in *\?*) sep='&';; esac
./bin/apibench -vouch ./bin/vouch -database "${PG}${sep}search_path=${schema}" -duration "${DURATION:-10s}"
