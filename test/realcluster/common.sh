# Shared settings of the real single-node cluster (sourced by up.sh, down.sh).
# Everything the cluster writes lives under $STATE (removed by down.sh) or,
# for what is worth keeping between runs (binaries, Go cache, registry
# content), under $CACHE.

CACHE=${BESPIN_CACHE:-$HOME/.cache/bespin}
STATE=${BESPIN_REALCLUSTER_STATE:-/var/lib/bespin-realcluster}
RUN=/run/bespin-realcluster
PIDS=$STATE/pids
LOGS=$STATE/logs
PKI=$STATE/pki

# The node's own interface (a bridge with no ports) and address: never eth0.
NODE_IF=bespin-node0
NODE_IP=198.51.100.1
NODE_NAME=bespin-node
API_PORT=6443
API_URL=https://$NODE_IP:$API_PORT
SERVICE_CIDR=10.96.0.0/24
KUBERNETES_SERVICE_IP=10.96.0.1
POD_CIDR=10.244.0.0/24
CNI_BRIDGE=bespin-cni0
REGISTRY_ADDR=127.0.0.1:5000
CONTAINERD_SOCK=$RUN/containerd.sock
ETCD_CLIENT=http://127.0.0.1:2379

# Sysctls the kubelet, kube-proxy and the CNI bridge may change; saved by
# up.sh and put back by down.sh.
SAVED_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes net.ipv4.ip_forward
  net.ipv4.conf.all.route_localnet net.bridge.bridge-nf-call-iptables)

rc_log() { echo "realcluster: $*" >&2; }
rc_die() {
  rc_log "$*"
  exit 1
}
