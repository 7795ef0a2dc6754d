#!/usr/bin/env bash
# Builds (or reuses) the S3 server behind the platform's storage in the test
# cluster: versitygw, whose posix backend serves a directory as S3 buckets,
# from the Go module proxy only, cached in ~/.cache/bespin/ beside the real
# cluster's binaries (same Go build and module caches; a lock so that .ci/run's
# background build and s3.sh never compile it twice). Prints the binary's path.
set -euo pipefail

VERSITYGW_VERSION=${BESPIN_VERSITYGW_VERSION:-v1.8.0}
CACHE=${BESPIN_CACHE:-$HOME/.cache/bespin}
BIN=$CACHE/versitygw-$VERSITYGW_VERSION/bin
SRC=$CACHE/versitygw-$VERSITYGW_VERSION/src
export GOCACHE=$CACHE/go-build
export GOMODCACHE=${GOMODCACHE:-$CACHE/go-mod}
export GOFLAGS=-mod=mod
export CGO_ENABLED=0
export GOTOOLCHAIN=local

log() { echo "s3 build: $*" >&2; }
if [ -x "$BIN/versitygw" ]; then
  echo "$BIN/versitygw"
  exit 0
fi
command -v go >/dev/null || { log "Go is required (the machine's Go 1.26)"; exit 1; }
mkdir -p "$BIN" "$SRC"
exec 9>"$CACHE/versitygw.lock"
flock 9
if [ -x "$BIN/versitygw" ]; then
  echo "$BIN/versitygw"
  exit 0
fi
# A wrapper module that requires the gateway at its tag: `go build` of its
# command package then resolves the gateway's own module graph.
printf 'module bespin.local/s3\n\ngo 1.26.0\n\nrequire github.com/versity/versitygw %s\n' "$VERSITYGW_VERSION" >"$SRC/go.mod"
cat >"$SRC/tools.go" <<'GO'
//go:build tools

package tools

import _ "github.com/versity/versitygw/cmd/versitygw"
GO
log "building versitygw $VERSITYGW_VERSION (cold: about 3 min on a busy 2-core machine; cached afterwards)"
start=$SECONDS
(cd "$SRC" && go mod tidy >/dev/null 2>&1 || true
 cd "$SRC" && go build -trimpath -ldflags "-s -w" -o "$BIN/versitygw" github.com/versity/versitygw/cmd/versitygw)
log "versitygw built in $((SECONDS - start)) s"
echo "$BIN/versitygw"
