#!/usr/bin/env bash
# Builds local stand-ins for the images the conformance suite names, since no
# registry is reachable. Each image is made once from a debootstrap root and
# cached as a tarball, so a second run only re-imports (or does nothing).
set -euo pipefail
CACHE=${BESPIN_IMAGE_CACHE:-/var/cache/bespin-images}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
mkdir -p "$CACHE"

have() { docker image inspect "$1" >/dev/null 2>&1; }

rootfs_tar() { # name, extra packages, post-install script[, Debian suite]
  local name=$1 pkgs=$2 post=$3 suite=${4:-$SUITE} tar="$CACHE/$1.tar"
  [ -s "$tar" ] && return 0
  local root; root=$(mktemp -d /tmp/bespin-rootfs.XXXXXX)
  local include=""; [ -n "$pkgs" ] && include="--include=$pkgs"
  debootstrap --variant=minbase $include "$suite" "$root" "$MIRROR" >"$CACHE/$name.debootstrap.log" 2>&1
  chroot "$root" /bin/sh -c "$post"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -cf "$tar.partial" .
  mv "$tar.partial" "$tar"
  rm -rf "$root"
}

import() { # tar name, tag, docker import --change args...
  local tar="$CACHE/$1.tar" tag=$2; shift 2
  have "$tag" && return 0
  docker import "$@" "$tar" "$tag" >/dev/null
  echo "imported $tag"
}

rootfs_tar debian "" "true"
rootfs_tar python "python3-minimal,python3" "ln -sf /usr/bin/python3 /usr/local/bin/python"
rootfs_tar bash "" 'cat > /usr/local/bin/docker-entrypoint.sh <<"EOS"
#!/bin/bash
# Like the bash image: run bash when the first argument is an option or not a command.
set -e
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ] || ! command -v "$1" >/dev/null 2>&1; then
  set -- bash "$@"
fi
exec "$@"
EOS
chmod +x /usr/local/bin/docker-entrypoint.sh'
# The v1.0/v1.1 suites run their scripts under python:2-slim and
# python:2.7.15-alpine3.7: a real Python 2 (bullseye is Debian's last release
# with python2.7) so a script means what it meant there.
rootfs_tar python2 "python2.7,python2-minimal" "ln -sf /usr/bin/python2.7 /usr/local/bin/python" bullseye

ENV_PATH='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
import debian docker.io/debian:stable-slim --change "$ENV_PATH" --change 'CMD ["bash"]'
import debian docker.io/alpine:latest --change "$ENV_PATH" --change 'CMD ["/bin/sh"]'
import python docker.io/python:3-slim --change "$ENV_PATH" --change 'CMD ["python3"]'
import bash docker.io/bash:4.4 --change "$ENV_PATH" --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["bash"]'
# The images the v1.0 and v1.1 suites name, from the same roots.
import debian docker.io/debian:stretch-slim --change "$ENV_PATH" --change 'CMD ["bash"]'
import python docker.io/python:3 --change "$ENV_PATH" --change 'CMD ["python3"]'
import python2 docker.io/python:2-slim --change "$ENV_PATH" --change 'CMD ["python2"]'
import python2 docker.io/python:2.7.15-alpine3.7 --change "$ENV_PATH" --change 'CMD ["python2"]'
import bash docker.io/bash:4.4.12 --change "$ENV_PATH" --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["bash"]'
