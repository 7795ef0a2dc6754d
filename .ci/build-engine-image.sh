#!/usr/bin/env bash
# Builds the engine image (the repo's Dockerfile) without a container registry.
# The Dockerfile's node:24 images are replaced by two local ones:
#   bespin/node-runtime:24  debootstrap minbase (bookworm) + tini + ca-certificates
#                           + Node 24's binary from the npm package node-linux-<arch>@24,
#                           made once and cached as a tarball, then `docker import`ed
#   bespin/node-build:24    derived from it: + npm@11 from the npm registry (its
#                           tarball cached) + the host's CA bundle for npm, at
#                           ${BESPIN_BUILD_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
# then `docker build` of the repo on top of them; Docker's layer cache makes a
# second run quick. Needs root, debootstrap, docker and npm.
#
#   bash .ci/build-engine-image.sh      # -> ${BESPIN_ENGINE_IMAGE:-bespin/engine:test}
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${BESPIN_IMAGE_CACHE:-/var/cache/bespin-images}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
ENGINE_TAG=${BESPIN_ENGINE_IMAGE:-bespin/engine:test}
RUNTIME_TAG=bespin/node-runtime:24
BUILD_TAG=bespin/node-build:24
ENV_PATH='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
HOST_CA=${BESPIN_BUILD_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
mkdir -p "$CACHE"

case "$(uname -m)" in
  x86_64 | amd64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) echo "build-engine-image: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac

# Temporary directories live in one, removed on exit. A debootstrap that failed
# half-way may leave /proc or /sys mounted inside its root: unmount first.
WORK=$(mktemp -d /tmp/bespin-engine-image.XXXXXX)
cleanup() {
  { findmnt -rn -o TARGET | grep -F "$WORK/" | sort -r | while read -r m; do umount -l "$m"; done; } || true
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
tmpdir() { mktemp -d "$WORK/$1.XXXXXX"; }

have() { docker image inspect "$1" >/dev/null 2>&1; }

npm_pack() { # package spec, directory -> path of the fetched tarball
  local file
  file=$(cd "$2" && npm pack --silent --no-audit --no-fund "$1" | tail -n 1)
  [ -n "$file" ] && [ -s "$2/$file" ] && echo "$2/$file"
}

slim() { # rootfs: drop docs, man pages, translations and apt's caches; keep them out of later installs
  local root=$1
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
    "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old "$root"/var/log/apt/* "$root"/var/log/*.log
  find "$root"/usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete
  find "$root"/usr/share/doc -mindepth 1 -type d -empty -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/lintian "$root"/usr/share/linda
  find "$root"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias ! -name C ! -name 'C.*' -exec rm -rf {} +
  cat >"$root"/etc/dpkg/dpkg.cfg.d/01-bespin-slim <<'EOF'
# As in the official slim images: no docs, man pages or translations from later installs.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EOF
  cat >"$root"/etc/apt/apt.conf.d/01-bespin-clean <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Install-Recommends "false";
EOF
  # debootstrap copies the host's; Docker mounts its own at run time.
  : >"$root"/etc/resolv.conf
  echo localhost >"$root"/etc/hostname
}

save_tar() { # rootfs, tarball
  tar --numeric-owner -C "$1" -cf "$2.partial" .
  mv "$2.partial" "$2"
}

runtime_tar() {
  local tar="$CACHE/node-runtime.tar"
  [ -s "$tar" ] && return 0
  local root tmp tgz
  root=$(tmpdir rootfs)
  tmp=$(tmpdir npm)
  echo "node-runtime: debootstrap $SUITE (log: $CACHE/node-runtime.debootstrap.log)"
  debootstrap --variant=minbase --include=tini,ca-certificates "$SUITE" "$root" "$MIRROR" \
    >"$CACHE/node-runtime.debootstrap.log" 2>&1
  if tgz=$(npm_pack "node-linux-$ARCH@24" "$tmp"); then
    echo "node-runtime: node from $(basename "$tgz")"
    tar -xzf "$tgz" -C "$tmp" --no-same-owner package/bin/node
    install -o 0 -g 0 -m 0755 "$tmp/package/bin/node" "$root/usr/local/bin/node"
  else
    local fallback="/opt/node24/node_modules/node-linux-$ARCH/bin/node"
    [ -x "$fallback" ] || { echo "build-engine-image: npm pack node-linux-$ARCH@24 failed and $fallback is missing" >&2; exit 1; }
    echo "node-runtime: npm pack failed; using $fallback" >&2
    install -o 0 -g 0 -m 0755 "$fallback" "$root/usr/local/bin/node"
  fi
  chroot "$root" /usr/local/bin/node --version >/dev/null
  slim "$root"
  save_tar "$root" "$tar"
}

build_image() { # the runtime image plus npm, derived with `docker build` (layer cache)
  # npm's tarball is fetched once and cached. The host's CA bundle goes in
  # too, for this build image only: npm in the build then trusts what the
  # host's npm trusts (e.g. a TLS-inspecting proxy on the way to the registry).
  local tgz tmp ctx before after
  tgz=$(find "$CACHE" -maxdepth 1 -name 'npm-11.*.tgz' | sort -V | tail -n 1)
  if [ -z "$tgz" ]; then
    tmp=$(tmpdir npm)
    tgz=$(npm_pack npm@11 "$tmp") || { echo "build-engine-image: npm pack npm@11 failed" >&2; exit 1; }
    cp "$tgz" "$CACHE/$(basename "$tgz").partial"
    mv "$CACHE/$(basename "$tgz").partial" "$CACHE/$(basename "$tgz")"
    tgz="$CACHE/$(basename "$tgz")"
  fi
  ctx=$(tmpdir build-ctx)
  cp "$tgz" "$ctx/npm.tgz"
  {
    echo "FROM $RUNTIME_TAG"
    echo "# $(basename "$tgz") unpacks to package/"
    echo "ADD npm.tgz /usr/local/lib/node_modules/"
    echo "RUN mv /usr/local/lib/node_modules/package /usr/local/lib/node_modules/npm \\"
    echo " && chown -R 0:0 /usr/local/lib/node_modules/npm \\"
    echo " && chmod 0755 /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/lib/node_modules/npm/bin/npx-cli.js \\"
    echo " && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\"
    echo " && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\"
    echo " && npm --version"
    echo "ENV NPM_CONFIG_UPDATE_NOTIFIER=false"
    if [ -s "$HOST_CA" ]; then
      cp "$HOST_CA" "$ctx/host-ca-certificates.crt"
      echo "COPY host-ca-certificates.crt /etc/ssl/certs/host-ca-certificates.crt"
      echo "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-ca-certificates.crt"
    fi
  } >"$ctx/Dockerfile"
  before=$(docker image inspect -f '{{.Id}}' "$BUILD_TAG" 2>/dev/null || true)
  after=$(docker build -q -t "$BUILD_TAG" "$ctx")
  [ "$before" = "$after" ] || echo "built $BUILD_TAG (npm from $(basename "$tgz"))"
}

import() { # tarball name, tag, docker import --change args...
  # Re-imported when the tarball was rebuilt since (its stamp is a label).
  local tar="$CACHE/$1.tar" tag=$2 stamp; shift 2
  stamp=$(stat -c '%Y-%s' "$tar")
  if have "$tag" && [ "$(docker image inspect -f '{{index .Config.Labels "org.bespin.rootfs"}}' "$tag")" = "$stamp" ]; then
    return 0
  fi
  docker import --change "LABEL org.bespin.rootfs=$stamp" "$@" "$tar" "$tag" >/dev/null
  echo "imported $tag"
}

runtime_tar
import node-runtime "$RUNTIME_TAG" --change "$ENV_PATH" --change 'CMD ["node"]'
build_image

echo "building $ENGINE_TAG from $REPO"
docker build \
  --build-arg BUILD_IMAGE="$BUILD_TAG" \
  --build-arg BASE_IMAGE="$RUNTIME_TAG" \
  -t "$ENGINE_TAG" "$REPO"

docker image inspect -f '{{.Size}}' "$ENGINE_TAG" |
  awk -v tag="$ENGINE_TAG" '{ printf "%s: %d MB\n", tag, ($1 + 500000) / 1000000 }'
