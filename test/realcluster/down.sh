#!/usr/bin/env bash
# Stops the real cluster that up.sh started and leaves the host as it found
# it: every process up.sh started (and the containers, shims and mounts they
# made), the node and pod interfaces, the iptables chains the kubelet,
# kube-proxy and up.sh added, the sysctls they changed, and $STATE. Keeps
# $CACHE (binaries, Go cache, registry content). Safe to run twice.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

[ "$(id -u)" = 0 ] || rc_die "must run as root"
[ -d "$STATE" ] || [ -d "$RUN" ] || { bash "$here/s3.sh" down; rc_log "nothing to stop"; exit 0; }

stop_process() { # name, seconds to wait after SIGTERM
  local f=$PIDS/$1.pid pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 $(($2 * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$f"
}

# The kubelet first, so that nothing restarts what is stopped next.
stop_process kube-proxy 5
stop_process kubelet 10
# Every pod sandbox and container of the private containerd.
if [ -S "$CONTAINERD_SOCK" ]; then
  for t in $(ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks kill -s SIGKILL "$t" >/dev/null 2>&1
  done
  sleep 1
  for t in $(ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks delete -f "$t" >/dev/null 2>&1
  done
fi
stop_process containerd 10
# The platform's storage (s3.sh: the S3 server and its FUSE mount), once no
# container uses the mount.
bash "$here/s3.sh" down
# Shims of this containerd outlive it (they are re-parented to init).
for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCK" 2>/dev/null); do
  kill -KILL "$pid" 2>/dev/null
done
for p in kube-scheduler kube-controller-manager kube-apiserver registry etcd; do stop_process "$p" 10; done

# Mounts under the cluster's directories (kubelet volumes, container root
# file systems, network namespaces), deepest first.
for root in "$STATE" "$RUN"; do
  awk -v r="$root" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null; done
done
# Pod network namespaces made by containerd's CNI (named cni-<uuid>).
for ns in $(ip netns list 2>/dev/null | awk '/^cni-/ { print $1 }'); do ip netns delete "$ns" 2>/dev/null; done

ip link del "$CNI_BRIDGE" 2>/dev/null
ip link del "$NODE_IF" 2>/dev/null

# iptables: drop every chain and rule that names the cluster's chains, keep
# everything else (Docker's rules among them) as it is now.
for table in filter nat mangle raw; do
  before=$(iptables-save -t "$table" 2>/dev/null) || continue
  grep -qE 'KUBE-|CNI-|BESPIN-REALCLUSTER' <<<"$before" || continue
  grep -vE '^(:|-A |-I ).*(KUBE-|CNI-|BESPIN-REALCLUSTER)' <<<"$before" | iptables-restore -T "$table" 2>/dev/null ||
    rc_log "could not restore the $table table"
done
for table in filter nat mangle; do
  before=$(ip6tables-save -t "$table" 2>/dev/null) || continue
  grep -qE 'KUBE-|CNI-' <<<"$before" || continue
  grep -vE '^(:|-A |-I ).*(KUBE-|CNI-)' <<<"$before" | ip6tables-restore -T "$table" 2>/dev/null
done

if [ -f "$STATE/sysctls.saved" ]; then
  while IFS='=' read -r k v; do sysctl -qw "$k=$v" 2>/dev/null; done <"$STATE/sysctls.saved"
fi
# The kubelet's cgroups (cgroupfs driver): kubepods and its children.
for sub in /sys/fs/cgroup/*/; do
  [ -d "$sub/kubepods" ] && find "$sub/kubepods" -depth -type d -exec rmdir {} \; 2>/dev/null
done

rm -rf "$STATE" "$RUN"
rc_log "down"
