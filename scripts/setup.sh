#!/usr/bin/env bash
# Installs what Accord needs on a fresh Debian/Ubuntu machine, idempotently:
#   - FerretDB 1.24.2 (the embedded MongoDB-compatible engine) into .tools/bin, built with Go
#   - redis-server (multi-node realtime and its tests), from Debian's packages
#   - chromium (the web client's browser tests drive it with playwright-core), from Debian's packages
#   - the npm dependencies (npm ci)
set -euo pipefail
cd "$(dirname "$0")/.."

FERRETDB_VERSION=1.24.2
FERRETDB_MODULE=github.com/FerretDB/FerretDB
TOOLS_BIN="$PWD/.tools/bin"
FERRETDB_BIN="$TOOLS_BIN/ferretdb"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
fail() { printf '\033[31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

ferretdb_ok() {
  # Read the whole output first: `| grep -q` would stop reading early, and under pipefail the
  # writer's SIGPIPE would fail the check at random.
  local out
  [ -x "$FERRETDB_BIN" ] && out=$("$FERRETDB_BIN" --version 2>/dev/null) && [[ "$out" == *"version: v$FERRETDB_VERSION"* ]]
}

install_ferretdb() {
  if ferretdb_ok; then
    say "FerretDB $FERRETDB_VERSION already installed in .tools/bin"
    return
  fi
  command -v go >/dev/null 2>&1 || fail "Go is needed to build FerretDB $FERRETDB_VERSION (https://go.dev/dl), or run Accord against your own MongoDB with MONGODB_URI."
  mkdir -p "$TOOLS_BIN"
  say "Installing FerretDB $FERRETDB_VERSION with go install (about two minutes the first time)"
  GOBIN="$TOOLS_BIN" GOFLAGS=-mod=mod go install "$FERRETDB_MODULE/cmd/ferretdb@v$FERRETDB_VERSION"
  if ferretdb_ok; then return; fi
  # FerretDB 1.x reads its version from build/version/version.txt, a file its release process
  # generates and the Go module does not contain, so a plain `go install` binary stops at start
  # ("Invalid build/version/version.txt file content"; FerretDB issue #2982). Rebuild the same
  # module source, already in the module cache, with that file written.
  say "Adding FerretDB's version file and rebuilding the same source"
  local src work
  src=$(go mod download -json "$FERRETDB_MODULE@v$FERRETDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$src" ] && [ -d "$src" ] || fail "Could not find the FerretDB $FERRETDB_VERSION module source in the Go module cache."
  work=$(mktemp -d)
  cp -R "$src/." "$work/"
  chmod -R u+w "$work"
  printf 'v%s\n' "$FERRETDB_VERSION" > "$work/build/version/version.txt"
  (cd "$work" && go build -trimpath -o "$FERRETDB_BIN" ./cmd/ferretdb)
  rm -rf "$work"
  ferretdb_ok || fail "FerretDB was built but does not report version $FERRETDB_VERSION: $("$FERRETDB_BIN" --version 2>&1 | head -3)"
  say "FerretDB $FERRETDB_VERSION installed in .tools/bin"
}

install_debian_package() {
  local command=$1 package=$2 why=$3
  if command -v "$command" >/dev/null 2>&1; then
    say "$package already installed"
    return
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "$package is missing ($why) and this user cannot install packages: apt-get install -y $package"
    sudo="sudo"
  fi
  command -v apt-get >/dev/null 2>&1 || fail "$package is missing ($why): install it with your package manager"
  say "Installing $package from Debian's packages ($why)"
  $sudo apt-get install -y "$package" >/dev/null 2>&1 || {
    $sudo apt-get update >/dev/null
    $sudo apt-get install -y "$package" >/dev/null
  }
}

install_ferretdb
install_debian_package redis-server redis-server 'multi-node realtime and its tests'
install_debian_package chromium chromium "the web client's browser tests"
say "Installing npm dependencies (npm ci)"
npm ci --no-audit --no-fund
say "Done. Start Accord with: npm start    Run the tests with: npm test"
