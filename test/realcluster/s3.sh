#!/usr/bin/env bash
# The platform's storage beside the real cluster: one S3 bucket (versitygw's
# posix backend on loopback, serving a directory) FUSE-mounted on the node by
# Debian's s3fs, so that each claim's PersistentVolume can point at its own
# prefix of the bucket (<mount>/<pv-name>, as csi-s3 lays claims out), and the
# launcher's side reads the results back through the S3 API.
#
#   s3.sh up    start (or find running) the server and the mount; prints the
#               path of s3.json (endpoint, credentials, bucket, mount point)
#   s3.sh down  unmount, stop both, remove every byte of state
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
S3_STATE=${BESPIN_S3_STATE:-/var/lib/bespin-s3}
S3_ADDR=${BESPIN_S3_ADDR:-127.0.0.1:7070}
BUCKET=bespin-claims
# Loopback-only test credentials, not secrets.
ACCESS_KEY=bespintest
SECRET_KEY=bespin-test-secret-key
DATA=$S3_STATE/data
MNT=$S3_STATE/mnt
LOGS=$S3_STATE/logs

log() { echo "s3: $*" >&2; }
die() { log "$*"; exit 1; }
alive() { [ -f "$S3_STATE/$1.pid" ] && kill -0 "$(cat "$S3_STATE/$1.pid")" 2>/dev/null; }
mounted() { mountpoint -q "$MNT" 2>/dev/null; }
answers() { curl -s -o /dev/null --max-time 2 "http://$S3_ADDR/" ; }

up() {
  command -v s3fs >/dev/null || die "s3fs is required (apt-get install s3fs; .ci/run installs it)"
  [ -e /dev/fuse ] || die "/dev/fuse is missing: s3fs cannot mount"
  if alive versitygw && alive s3fs && mounted; then
    echo "$S3_STATE/s3.json"
    return
  fi
  down >/dev/null 2>&1 || true
  local gw
  gw=$(bash "$HERE/build-s3.sh")
  mkdir -p "$DATA" "$MNT" "$LOGS"
  chmod 755 "$S3_STATE"
  setsid "$gw" --access "$ACCESS_KEY" --secret "$SECRET_KEY" --port "$S3_ADDR" posix "$DATA" \
    >"$LOGS/versitygw.log" 2>&1 </dev/null &
  echo $! >"$S3_STATE/versitygw.pid"
  for _ in $(seq 1 100); do answers && break; sleep 0.1; done
  answers || die "versitygw did not answer on $S3_ADDR (log: $LOGS/versitygw.log)"
  # CreateBucket through the S3 API, as an admin would (curl signs SigV4).
  curl -sf --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS_KEY:$SECRET_KEY" -X PUT \
    -H "x-amz-content-sha256: $(printf '' | sha256sum | cut -d' ' -f1)" "http://$S3_ADDR/$BUCKET" >/dev/null ||
    die "could not create bucket $BUCKET (log: $LOGS/versitygw.log)"
  printf '%s:%s\n' "$ACCESS_KEY" "$SECRET_KEY" >"$S3_STATE/passwd"
  chmod 600 "$S3_STATE/passwd"
  # allow_other: the pods' uids (1000, root) reach the mount through their
  # hostPath volumes; umask 0: objects written through the S3 API carry no
  # owner or mode of their own, so everyone may read and write, as on csi-s3.
  setsid s3fs "$BUCKET" "$MNT" -f \
    -o "url=http://$S3_ADDR,use_path_request_style,passwd_file=$S3_STATE/passwd" \
    -o allow_other,umask=0000,mp_umask=0000,dbglevel=warn \
    >"$LOGS/s3fs.log" 2>&1 </dev/null &
  echo $! >"$S3_STATE/s3fs.pid"
  for _ in $(seq 1 100); do mounted && break; sleep 0.1; done
  mounted || die "s3fs did not mount $BUCKET on $MNT (log: $LOGS/s3fs.log)"
  # Its device number (major:minor), shared by every bind mount of it.
  awk -v m="$MNT" '$5 == m { print $3 }' /proc/self/mountinfo >"$S3_STATE/device"
  cat >"$S3_STATE/s3.json" <<JSON
{"endpoint": "http://$S3_ADDR", "accessKey": "$ACCESS_KEY", "secretKey": "$SECRET_KEY", "bucket": "$BUCKET", "mount": "$MNT"}
JSON
  log "up: bucket $BUCKET on http://$S3_ADDR (data $DATA), mounted on $MNT"
  echo "$S3_STATE/s3.json"
}

stop() {
  local name=$1 pid
  [ -f "$S3_STATE/$name.pid" ] || return 0
  pid=$(cat "$S3_STATE/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$S3_STATE/$name.pid"
}

# Every mount of the s3fs file system: the mount itself and the kubelet's
# bind mounts of it (a pod's subPath mounts it could not clean up: once a
# subPath's source directory is deleted, s3fs answers ENOENT for the bind
# mount, and the kubelet skips unmounting a path that "does not exist").
fuse_mounts() {
  local dev
  dev=$(cat "$S3_STATE/device" 2>/dev/null) || return 0
  awk -v d="$dev" '$3 == d && $9 == "fuse.s3fs" { print $5 }' /proc/self/mountinfo | sort -r
}

down() {
  [ -d "$S3_STATE" ] || return 0
  # The mounts first (lazily: a pod may still use one), then the mounter,
  # then the server.
  fuse_mounts | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  stop s3fs
  if mounted; then umount -l "$MNT" || true; fi
  mounted && die "$MNT is still mounted; not removing $S3_STATE"
  stop versitygw
  rm -rf "$S3_STATE"
  log "down: nothing left under $S3_STATE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
