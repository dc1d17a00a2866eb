#!/usr/bin/env bash
# Measures the embedded flow in Chromium with the Vouch SDK and with the
# official persona SDK against the same vouch binary in the same run:
# new Client() → onLoad / onReady (cold and warm), bytes per flow step and
# bundle sizes. Prints Markdown for docs/benchmarks.md.
#   bench/sdk.sh            15 runs per SDK
#   RUNS=31 bench/sdk.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bin
go build -o bin/vouch ./cmd/vouch
go build -o bin/sdkbench ./bench/sdkbench
persona=.cache/npm/node_modules/persona/dist/persona.js
if [ ! -f "$persona" ]; then
  npm install --prefix .cache/npm --no-audit --no-fund --no-save persona@5.9.0 >/dev/null
fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "go: $(go version)"
echo "chromium: $(chromium --version 2>/dev/null || echo unknown)"
# Browser timings move with other work on the machine: say how busy it was.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
./bin/sdkbench -vouch ./bin/vouch -persona "$persona" -runs "${RUNS:-15}"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
