#!/usr/bin/env bash
# Starts a real single-node Kubernetes cluster on this machine, in the
# background: etcd, kube-apiserver (RBAC + Node authorization,
# NodeRestriction), kube-controller-manager, kube-scheduler, a private
# containerd, the kubelet and kube-proxy (iptables), plus a registry on
# loopback that mirrors every registry containerd knows, so nothing is ever
# pulled from outside the machine. Waits until the node is Ready and writes
# $STATE/admin.kubeconfig. test/realcluster/down.sh stops exactly what this
# started and puts the host back as it was.
#
# Needs root, Go (for the first build), Docker (the test images are pushed
# from it into the mirror), and Debian's containerd, runc,
# containernetworking-plugins, iptables and openssl.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$here/common.sh"

[ "$(id -u)" = 0 ] || rc_die "must run as root (it starts a kubelet and containerd)"
if [ -f "$STATE/up" ] && KUBECONFIG=$STATE/admin.kubeconfig timeout 5 kubectl get --raw /readyz >/dev/null 2>&1; then
  rc_log "already up (kubeconfig: $STATE/admin.kubeconfig)"
  echo "$STATE/admin.kubeconfig"
  exit 0
fi
if [ -d "$STATE" ]; then
  rc_log "a previous cluster left state behind: tearing it down first"
  bash "$here/down.sh"
fi
for cmd in containerd containerd-shim-runc-v2 runc ctr iptables iptables-save openssl docker kubectl ip; do
  command -v "$cmd" >/dev/null || rc_die "$cmd is missing (apt-get install -y containerd runc containernetworking-plugins iptables openssl docker.io; kubectl)"
done
[ -x /usr/lib/cni/bridge ] || rc_die "/usr/lib/cni/bridge is missing (apt-get install -y containernetworking-plugins)"
docker info >/dev/null 2>&1 || rc_die "dockerd is not answering: the test images are pushed from Docker into the cluster's registry"

BIN=$(bash "$here/build.sh")
started=$SECONDS
mkdir -p "$STATE" "$RUN" "$PIDS" "$LOGS" "$PKI"
: >"$STATE/started-processes"

# ---------------------------------------------------------------- host state
for s in "${SAVED_SYSCTLS[@]}"; do
  v=$(sysctl -n "$s" 2>/dev/null) && echo "$s=$v"
done >"$STATE/sysctls.saved"

# The node's interface: its address is the node IP and the apiserver's.
ip link add "$NODE_IF" type bridge
ip addr add "$NODE_IP/24" dev "$NODE_IF"
ip link set "$NODE_IF" up
echo "link $NODE_IF" >>"$STATE/started-processes"

# Pods may talk to the node and to each other, never past the machine.
iptables -N BESPIN-REALCLUSTER
iptables -A BESPIN-REALCLUSTER -s "$POD_CIDR" -d "$POD_CIDR" -j RETURN
iptables -A BESPIN-REALCLUSTER -s "$POD_CIDR" -j REJECT
iptables -I FORWARD 1 -j BESPIN-REALCLUSTER

# ---------------------------------------------------------------- certificates
cd "$PKI"
ca() { # name, subject
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.crt" -days 30 -subj "$2" 2>/dev/null
}
cert() { # name, CA, subject, [subjectAltName]
  local name=$1 ca=$2 subj=$3 san=${4:-}
  openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "$subj" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ -n "$san" ]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial -out "$name.crt" -days 30 -extfile "$name.ext" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}
ca ca "/CN=bespin-realcluster-ca"
ca front-proxy-ca "/CN=bespin-realcluster-front-proxy-ca"
cert apiserver ca "/CN=kube-apiserver" "IP:$NODE_IP,IP:$KUBERNETES_SERVICE_IP,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
cert apiserver-kubelet-client ca "/O=system:masters/CN=kube-apiserver-kubelet-client"
cert front-proxy-client front-proxy-ca "/CN=front-proxy-client"
cert admin ca "/O=system:masters/CN=bespin-admin"
cert controller-manager ca "/CN=system:kube-controller-manager"
cert scheduler ca "/CN=system:kube-scheduler"
cert kube-proxy ca "/CN=system:kube-proxy"
cert kubelet-client ca "/O=system:nodes/CN=system:node:$NODE_NAME"
cert kubelet ca "/CN=$NODE_NAME" "IP:$NODE_IP,DNS:$NODE_NAME"
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
chmod 600 ./*.key

kubeconfig() { # file, client cert name
  cat >"$STATE/$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: bespin-real
  cluster:
    server: $API_URL
    certificate-authority: $PKI/ca.crt
users:
- name: $2
  user:
    client-certificate: $PKI/$2.crt
    client-key: $PKI/$2.key
contexts:
- name: bespin-real
  context: {cluster: bespin-real, user: $2}
current-context: bespin-real
EOF
}
kubeconfig admin.kubeconfig admin
kubeconfig controller-manager.kubeconfig controller-manager
kubeconfig scheduler.kubeconfig scheduler
kubeconfig kube-proxy.kubeconfig kube-proxy
kubeconfig kubelet.kubeconfig kubelet-client
cd "$STATE"

# ---------------------------------------------------------------- processes
start() { # name, command...
  local name=$1
  shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
  echo "process $name $!" >>"$STATE/started-processes"
}
wait_for() { # what, seconds, command...
  local what=$1 secs=$2
  shift 2
  for _ in $(seq 1 $((secs * 2))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  rc_log "$what did not come up within $secs s; last log lines:"
  tail -n 30 "$LOGS/$what.log" >&2 2>/dev/null || true
  return 1
}
alive() { kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

start etcd "$BIN/etcd" --name bespin --data-dir "$STATE/etcd" \
  --listen-client-urls "$ETCD_CLIENT" --advertise-client-urls "$ETCD_CLIENT" \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster bespin=http://127.0.0.1:2380 --listen-metrics-urls http://127.0.0.1:2381 \
  --quota-backend-bytes 2147483648 --log-level warn
wait_for etcd 60 curl -fsS http://127.0.0.1:2381/health

# Engine requests are audited (metadata only) so tests can count exactly what
# an engine's service account asked for; everything else is not logged.
cat >"$STATE/audit-policy.yaml" <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    userGroups: ["system:nodes", "system:masters"]
  - level: None
    userGroups: ["system:serviceaccounts:kube-system"]
  - level: None
    users: ["system:kube-controller-manager", "system:kube-scheduler", "system:kube-proxy", "system:apiserver"]
  - level: Metadata
    userGroups: ["system:serviceaccounts"]
  - level: None
EOF
start kube-apiserver "$BIN/kube-apiserver" \
  --etcd-servers "$ETCD_CLIENT" \
  --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$API_PORT" \
  --service-cluster-ip-range "$SERVICE_CIDR" \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
  --client-ca-file "$PKI/ca.crt" --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
  --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
  --requestheader-client-ca-file "$PKI/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
  --requestheader-extra-headers-prefix X-Remote-Extra- --requestheader-group-headers X-Remote-Group \
  --requestheader-username-headers X-Remote-User \
  --proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
  --audit-policy-file "$STATE/audit-policy.yaml" --audit-log-path "$LOGS/audit.log" --audit-log-maxsize 1024 \
  --audit-log-mode blocking \
  --allow-privileged=true --profiling=false
export KUBECONFIG=$STATE/admin.kubeconfig
wait_for kube-apiserver 90 kubectl get --raw /readyz

start kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig "$STATE/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$STATE/controller-manager.kubeconfig" \
  --authorization-kubeconfig "$STATE/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials \
  --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
  --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
  --requestheader-client-ca-file "$PKI/front-proxy-ca.crt" --client-ca-file "$PKI/ca.crt" \
  --service-cluster-ip-range "$SERVICE_CIDR" --controllers '*'
start kube-scheduler "$BIN/kube-scheduler" \
  --kubeconfig "$STATE/scheduler.kubeconfig" \
  --authentication-kubeconfig "$STATE/scheduler.kubeconfig" \
  --authorization-kubeconfig "$STATE/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false

# ---------------------------------------------------------------- registry mirror
mkdir -p "$CACHE/registry" "$STATE/registry"
cat >"$STATE/registry/config.yml" <<EOF
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $CACHE/registry}
  delete: {enabled: true}
http: {addr: $REGISTRY_ADDR}
EOF
OTEL_TRACES_EXPORTER=none start registry "$BIN/registry" serve "$STATE/registry/config.yml"
wait_for registry 30 curl -fsS "http://$REGISTRY_ADDR/v2/"

# The pause image: the static program build.sh made, alone in an image.
pause_dir=$(mktemp -d)
cp "$BIN/pause" "$pause_dir/pause"
tar -C "$pause_dir" -c pause | docker import --change 'ENTRYPOINT ["/pause"]' - bespin/pause:local >/dev/null
rm -rf "$pause_dir"
mirror() { # docker image, repository path in the mirror
  docker tag "$1" "$REGISTRY_ADDR/$2" && docker push -q "$REGISTRY_ADDR/$2" >/dev/null && docker rmi "$REGISTRY_ADDR/$2" >/dev/null
}
mirror bespin/pause:local pause:3.10
# The images .ci/build-test-images.sh makes: the v1.2 suite's and the older suites' (v1.0, v1.1).
default_images="docker.io/debian:stable-slim docker.io/alpine:latest docker.io/python:3-slim docker.io/bash:4.4
  docker.io/debian:stretch-slim docker.io/python:3 docker.io/python:2-slim docker.io/python:2.7.15-alpine3.7 docker.io/bash:4.4.12"
for image in ${BESPIN_REALCLUSTER_IMAGES:-$default_images}; do
  if docker image inspect "$image" >/dev/null 2>&1; then
    ref=${image#docker.io/}
    case "$ref" in */*) ;; *) ref=library/$ref ;; esac
    mirror "$image" "$ref"
  else
    rc_log "note: $image is not in Docker (bash .ci/build-test-images.sh builds it); pods naming it will fail to pull"
  fi
done

# ---------------------------------------------------------------- containerd
mkdir -p "$STATE/containerd/certs.d" "$STATE/cni/net.d" "$STATE/cni/networks"
for host in _default docker.io registry.k8s.io; do
  mkdir -p "$STATE/containerd/certs.d/$host"
  cat >"$STATE/containerd/certs.d/$host/hosts.toml" <<EOF
server = "http://$REGISTRY_ADDR"
[host."http://$REGISTRY_ADDR"]
  capabilities = ["pull", "resolve"]
EOF
done
cat >"$STATE/containerd/config.toml" <<EOF
version = 2
root = "$STATE/containerd/root"
state = "$RUN/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$STATE/containerd/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:3.10"
    restrict_oom_score_adj = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$STATE/cni/net.d"
    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "$STATE/containerd/certs.d"
EOF
cat >"$STATE/cni/net.d/10-bespin.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "bespin",
  "plugins": [
    {
      "type": "bridge", "bridge": "$CNI_BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "$STATE/cni/networks"}
    }
  ]
}
EOF
start containerd containerd --config "$STATE/containerd/config.toml"
wait_for containerd 30 ctr --address "$CONTAINERD_SOCK" version

# ---------------------------------------------------------------- kubelet
# Pods get a resolver of their own that answers nothing: no query ever
# reaches the host's resolver.
echo "nameserver 127.0.0.1" >"$STATE/resolv.conf"
hard_nofile=$(ulimit -Hn)
[ "$hard_nofile" = unlimited ] && hard_nofile=1048576
cat >"$STATE/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $PKI/kubelet.crt
tlsPrivateKeyFile: $PKI/kubelet.key
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
oomScoreAdj: 0
maxOpenFiles: $hard_nofile
resolvConf: $STATE/resolv.conf
clusterDomain: cluster.local
serializeImagePulls: false
rotateCertificates: false
serverTLSBootstrap: false
evictionHard: {memory.available: 100Mi, nodefs.available: 2%, imagefs.available: 2%, nodefs.inodesFree: 2%}
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
podPidsLimit: 4096
maxPods: 110
EOF
start kubelet "$BIN/kubelet" --config "$STATE/kubelet.yaml" --kubeconfig "$STATE/kubelet.kubeconfig" \
  --root-dir "$STATE/kubelet" --cert-dir "$STATE/kubelet-pki" \
  --hostname-override "$NODE_NAME" --node-ip "$NODE_IP"

# ---------------------------------------------------------------- kube-proxy
cat >"$STATE/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: $STATE/kube-proxy.kubeconfig}
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
clusterCIDR: $POD_CIDR
nodePortAddresses: ["$NODE_IP/32"]
iptables: {localhostNodePorts: false}
conntrack: {maxPerCore: 0, min: 0}
EOF
start kube-proxy "$BIN/kube-proxy" --config "$STATE/kube-proxy.yaml"

# ---------------------------------------------------------------- ready
ready() {
  [ "$(kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}
if ! wait_for kubelet 120 ready; then
  for p in kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy; do
    alive "$p" || rc_log "$p is not running (log: $LOGS/$p.log)"
  done
  exit 1
fi
# Pods need the default service account (the token controller) and the
# kubernetes Service rules in place (kube-proxy).
wait_for kube-controller-manager 60 kubectl -n default get serviceaccount default
wait_for kube-proxy 60 sh -c "iptables-save -t nat | grep -q 'KUBE-SVC-.*default/kubernetes'"
touch "$STATE/up"
rc_log "up in $((SECONDS - started)) s: node $NODE_NAME Ready, API $API_URL, kubeconfig $STATE/admin.kubeconfig"
echo "$STATE/admin.kubeconfig"
