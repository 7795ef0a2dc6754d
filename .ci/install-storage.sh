#!/usr/bin/env bash
# What `npm run test:storage` needs on the machine, for .ci/run to call:
# Debian's s3fs (the FUSE mounter over the S3 bucket) and the versitygw S3
# server, built from the Go module proxy into ~/.cache/bespin like the real
# cluster's binaries (test/realcluster/build-s3.sh: cached, locked).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive
if ! command -v s3fs >/dev/null 2>&1; then
  echo "installing s3fs"
  apt-get install -y s3fs || { apt-get update && apt-get install -y s3fs; }
fi
[ -e /dev/fuse ] || { echo "ci: /dev/fuse is missing; s3fs cannot mount" >&2; exit 1; }
bash test/realcluster/build-s3.sh >/dev/null
echo "s3fs: $(s3fs --version 2>&1 | head -1); versitygw: $(bash test/realcluster/build-s3.sh)"
