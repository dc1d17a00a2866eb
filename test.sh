#!/usr/bin/env bash
# The whole Vouch test suite: formatting, vet, and every test with the race
# detector, on SQLite and on PostgreSQL. It installs what it needs when it
# is missing (a C compiler for -race, Chromium, Node.js, curl). .ci/run calls
# exactly this.
#
#   ./test.sh                 everything
#   ./test.sh ./api/...       only some packages (extra args go to go test)
#
# PostgreSQL: TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test.
# Without a reachable server the PostgreSQL tests skip, except with CI=true,
# where they fail.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\n==> %s\n' "$*"; }

apt_install() {
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    echo "missing $*; install it (apt-get install $*) and run again" >&2
    return 1
  fi
  local SUDO=""; [ "$(id -u)" != 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

command -v go >/dev/null || { echo "Go is required: https://go.dev/dl/" >&2; exit 1; }
if ! command -v gcc >/dev/null; then
  say "installing gcc (the race detector needs cgo)"
  apt_install gcc libc6-dev
fi
if ! command -v chromium >/dev/null; then
  say "installing chromium (browser tests of the flow and the SDKs)"
  apt_install chromium
fi
if ! command -v curl >/dev/null; then
  say "installing curl (the README's curl tour is run as written)"
  apt_install curl
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing nodejs and npm (the official SDK is fetched with npm; receiver snippets run on node)"
  apt_install nodejs npm
fi

if ! command -v node >/dev/null; then
  say "installing nodejs (the webhook verification snippet is tested with it)"
  apt_install nodejs
fi

export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"

say "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

say "go vet"
go vet ./...

say "go test -race"
pkgs=("$@"); [ ${#pkgs[@]} -eq 0 ] && pkgs=(./...)
go test -race -count=1 -timeout 20m "${pkgs[@]}"
