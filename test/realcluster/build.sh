#!/usr/bin/env bash
# Builds (or reuses) the binaries of the real single-node cluster from source,
# through the Go module proxy only: kube-apiserver, kube-controller-manager,
# kube-scheduler, kubelet and kube-proxy from k8s.io/kubernetes, etcd from the
# same module graph, the distribution registry (the docker.io mirror), and the
# pause program. Binaries and the Go build cache live under
# ~/.cache/bespin/, keyed by version, so only a machine's first run pays the
# cold build (5-10 min on 2 cores here, more on a busy machine). Prints the
# binary directory on stdout.
set -euo pipefail

KUBE_VERSION=${BESPIN_KUBE_VERSION:-v1.37.2}
ETCD_VERSION=${BESPIN_ETCD_VERSION:-v3.7.0}
REGISTRY_VERSION=${BESPIN_REGISTRY_VERSION:-v3.1.2}
CACHE=${BESPIN_CACHE:-$HOME/.cache/bespin}
BIN=$CACHE/kubernetes-$KUBE_VERSION/bin
SRC=$CACHE/kubernetes-$KUBE_VERSION/src
export GOCACHE=$CACHE/go-build
export GOMODCACHE=${GOMODCACHE:-$CACHE/go-mod}
export GOFLAGS=-mod=mod
export CGO_ENABLED=0
export GOTOOLCHAIN=local

log() { echo "realcluster build: $*" >&2; }
command -v go >/dev/null || { log "Go is required (the machine's Go 1.26)"; exit 1; }

kube_bins=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)
all_present() {
  for b in "${kube_bins[@]}" etcd registry pause; do [ -x "$BIN/$b" ] || return 1; done
}
if all_present; then
  echo "$BIN"
  exit 0
fi
mkdir -p "$BIN" "$SRC"
# .ci/run starts this build early, in the background, and up.sh calls it
# again later: the second caller waits here for the first and then finds
# every binary present, instead of compiling the same packages twice.
exec 9>"$CACHE/build.lock"
flock 9
if all_present; then
  echo "$BIN"
  exit 0
fi

# The wrapper module: k8s.io/kubernetes replaces its staging modules with
# ./staging paths that a module download does not have; point each at its
# published v0.x twin instead.
minor=${KUBE_VERSION#v1.}
staging_version=v0.$minor
if [ ! -f "$SRC/go.mod" ] || ! grep -q "k8s.io/kubernetes $KUBE_VERSION" "$SRC/go.mod"; then
  log "writing the wrapper module for k8s.io/kubernetes $KUBE_VERSION"
  modfile=$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  {
    echo "module bespin.local/realcluster"
    echo
    echo "go 1.26.0"
    echo
    echo "require ("
    echo "	k8s.io/kubernetes $KUBE_VERSION"
    echo "	go.etcd.io/etcd/server/v3 $ETCD_VERSION"
    echo ")"
    echo
    echo "replace ("
    sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/k8s.io/.*#\1#p' "$modfile" |
      while read -r m; do echo "	$m => $m $staging_version"; done
    echo ")"
  } >"$SRC/go.mod"
  mkdir -p "$SRC/cmd/etcd" "$SRC/cmd/pause"
  # etcd's own main is a one-liner around etcdmain in the server module.
  cat >"$SRC/cmd/etcd/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  # The sandbox's pause container: sleeps until told to stop.
  cat >"$SRC/cmd/pause/main.go" <<'GO'
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM)
	<-c
}
GO
fi

cd "$SRC"
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor%%.*}"
missing=()
for b in "${kube_bins[@]}"; do [ -x "$BIN/$b" ] || missing+=("k8s.io/kubernetes/cmd/$b"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "building ${missing[*]} (cold: 5-10 min on 2 cores; cached afterwards)"
  start=$SECONDS
  go build -trimpath -ldflags "$ldflags" -o "$BIN/" "${missing[@]}"
  log "kubernetes binaries built in $((SECONDS - start)) s"
fi
if [ ! -x "$BIN/etcd" ]; then
  log "building etcd $ETCD_VERSION"
  go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" ./cmd/etcd
fi
if [ ! -x "$BIN/pause" ]; then
  go build -trimpath -ldflags "-s -w" -o "$BIN/pause" ./cmd/pause
fi
if [ ! -x "$BIN/registry" ]; then
  # Its own module graph, apart from Kubernetes'. Its own main, too: the
  # mirror stores on the local disk, so only the filesystem driver is linked,
  # not the Azure, GCS and S3 drivers whose SDKs were most of its cold build.
  log "building the distribution registry $REGISTRY_VERSION (filesystem storage only)"
  reg_src=$CACHE/registry-$REGISTRY_VERSION/src
  mkdir -p "$reg_src"
  printf 'module bespin.local/registry\n\ngo 1.26.0\n\nrequire github.com/distribution/distribution/v3 %s\n' "$REGISTRY_VERSION" >"$reg_src/go.mod"
  cat >"$reg_src/main.go" <<'GO'
package main

import (
	"github.com/distribution/distribution/v3/registry"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
)

func main() { _ = registry.RootCmd.Execute() }
GO
  start=$SECONDS
  (cd "$reg_src" && go build -trimpath -ldflags "-s -w" -o "$BIN/registry" .)
  log "registry built in $((SECONDS - start)) s"
fi
all_present || { log "some binaries are missing after the build"; exit 1; }
echo "$BIN"
