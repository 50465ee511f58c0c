#!/usr/bin/env bash
# Starts a local Kubernetes cluster with a real node, for the demo and the
# e2e tests, on a machine with no Docker and no cluster (Linux, root):
#
#   control plane  etcd, kube-apiserver, kube-controller-manager (every
#                  default controller), kube-scheduler
#   node           kubelet, containerd 2 with runc, CNI bridge networking,
#                  kube-proxy (iptables), a locally built pause image
#   services       a registry (CNCF distribution) on loopback that the node
#                  pulls from, CoreDNS behind the kube-dns Service, and a
#                  dynamic provisioner (StorageClass standard, the default)
#
# Every binary is built from pinned upstream Go modules
# (hack/build-control-plane.sh, hack/build-node.sh) into a per-user cache.
# Everything stays on this machine: loopback, and a bridge of our own
# (10.201.0.0/24, Services 10.202.0.0/24) with no route off the machine.
# One local cluster runs per machine.
#
#   hack/localcluster/up.sh DIR
#
# DIR holds pki/, etcd/, logs/ (each component's log; Pod logs in
# logs/pods/), run/ (pid files, ports.env, cluster.env, sockets), kubeconfig
# (admin), the registry's storage and the claims' folders (volumes/).
# DIR/run/cluster.env has REGISTRY=127.0.0.1:PORT, the registry to push
# images to. Stop everything with hack/localcluster/down.sh DIR.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=pki.sh
source "$here/pki.sh"
# shellcheck source=configs.sh
source "$here/configs.sh"
# shellcheck source=network.sh
source "$here/network.sh"
# shellcheck source=prereqs.sh
source "$here/prereqs.sh"

if [[ $# -ne 1 ]]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
mkdir -p "$1"
dir=$(cd "$1" && pwd)

check_prereqs
hold_machine_lock 5
refuse_second_cluster "$dir"
cp_bin=$(control_plane_bin)
node_bin_dir=$(node_bin)
start=$SECONDS
mkdir -p "$dir"/{logs/pods,run,etcd,kubelet,registry,volumes,images}
echo "$dir" >"$owner_file"
make_pki "$dir/pki"

# If anything below fails, say why, then take down what was started so a
# retry starts clean; the logs stay in DIR/logs.
trap 'echo "error: the local cluster did not come up; logs are in $dir/logs; stopping what was started" >&2; LOCALCLUSTER_LOCK_HELD=1 "$here/down.sh" "$dir" >/dev/null 2>&1 || true' ERR

# --- ports -------------------------------------------------------------------
for name in ETCD ETCD_PEER APISERVER KCM SCHEDULER REGISTRY REGISTRY_DEBUG KUBELET KUBELET_HEALTHZ \
	KUBE_PROXY_HEALTHZ KUBE_PROXY_METRICS COREDNS_HEALTH COREDNS_READY; do
	printf '%s_PORT=%s\n' "$name" "$(take_port)"
done >"$dir/run/ports.env"
# shellcheck source=/dev/null
source "$dir/run/ports.env"
PAUSE_IMAGE=127.0.0.1:$REGISTRY_PORT/forecastrun-local/pause:1
CNI_BIN_DIR=$(cni_bin_dir)

network_up "$dir"

# --- control plane -----------------------------------------------------------
kubeconfig_for "$dir" "$dir/kubeconfig" admin admin
for c in controller-manager scheduler kube-proxy coredns provisioner; do
	user=system:$c
	[[ $c == controller-manager ]] && user=system:kube-controller-manager
	[[ $c == scheduler ]] && user=system:kube-scheduler
	kubeconfig_for "$dir" "$dir/run/$c.kubeconfig" "$user" "$c"
done
kubeconfig_for "$dir" "$dir/run/kubelet.kubeconfig" "system:node:$node_name" kubelet-client
kubectl_admin() { "$cp_bin/kubectl" --kubeconfig "$dir/kubeconfig" "$@"; }

# --unsafe-no-fsync: the data is throwaway and fsync dominates on shared disks.
start_bg etcd "$dir" "$cp_bin/etcd" --name local --data-dir "$dir/etcd" \
	--listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
	--listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
	--initial-cluster "local=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync --log-level warn

# The API server listens on the node's address: Pods reach it there through
# the kubernetes Service, and the host reaches it the same way.
start_bg kube-apiserver "$dir" "$cp_bin/kube-apiserver" \
	--bind-address "$node_ip" --advertise-address "$node_ip" --secure-port "$APISERVER_PORT" \
	--etcd-servers "http://127.0.0.1:$ETCD_PORT" \
	--tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
	--client-ca-file "$dir/pki/ca.crt" \
	--service-account-issuer https://kubernetes.default.svc.cluster.local \
	--service-account-key-file "$dir/pki/sa.pub" --service-account-signing-key-file "$dir/pki/sa.key" \
	--service-cluster-ip-range "$service_cidr" \
	--authorization-mode Node,RBAC \
	--enable-admission-plugins NodeRestriction \
	--kubelet-client-certificate "$dir/pki/apiserver-kubelet-client.crt" \
	--kubelet-client-key "$dir/pki/apiserver-kubelet-client.key" \
	--kubelet-certificate-authority "$dir/pki/ca.crt" \
	--kubelet-preferred-address-types InternalIP \
	--allow-privileged=true --profiling=false
wait_for "$dir" kube-apiserver 120 kubectl_admin get --raw /readyz

# Every default controller (nodes, Pods, Jobs, Deployments, volumes,
# garbage collection, ...), each with its own ServiceAccount credentials so
# that RBAC applies to them as in any cluster.
start_bg kube-controller-manager "$dir" "$cp_bin/kube-controller-manager" \
	--kubeconfig "$dir/run/controller-manager.kubeconfig" \
	--authentication-kubeconfig "$dir/run/controller-manager.kubeconfig" \
	--authorization-kubeconfig "$dir/run/controller-manager.kubeconfig" \
	--bind-address 127.0.0.1 --secure-port "$KCM_PORT" \
	--controllers '*' --use-service-account-credentials \
	--service-cluster-ip-range "$service_cidr" \
	--service-account-private-key-file "$dir/pki/sa.key" --root-ca-file "$dir/pki/ca.crt" \
	--leader-elect=false
start_bg kube-scheduler "$dir" "$node_bin_dir/kube-scheduler" \
	--kubeconfig "$dir/run/scheduler.kubeconfig" \
	--authentication-kubeconfig "$dir/run/scheduler.kubeconfig" \
	--authorization-kubeconfig "$dir/run/scheduler.kubeconfig" \
	--bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" --leader-elect=false
addons | kubectl_admin apply --server-side --field-manager forecastrun-localcluster -f - >/dev/null

# --- registry and the pause image -----------------------------------------------
registry_config "$dir"
start_bg registry "$dir" "$node_bin_dir/registry" serve "$dir/run/registry.yml"
wait_for "$dir" registry 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$REGISTRY_PORT"
"$here/../image.sh" --kind pause --push "$PAUSE_IMAGE" >/dev/null

# --- the node ------------------------------------------------------------------
containerd_config "$dir"
cni_config "$dir"
make_cgroup_root
start_bg containerd "$dir" env PATH="$node_bin_dir:$PATH" "$node_bin_dir/containerd" --config "$dir/containerd/config.toml"
ctr_local() { "$node_bin_dir/ctr" --address "$dir/run/containerd.sock" "$@"; }
wait_for "$dir" containerd 60 ctr_local version

kubelet_config "$dir"
start_bg kubelet "$dir" "$node_bin_dir/kubelet" --config "$dir/kubelet/config.yaml" \
	--kubeconfig "$dir/run/kubelet.kubeconfig" --root-dir "$dir/kubelet" \
	--hostname-override "$node_name" --node-ip "$node_ip" --v 1
node_ready() {
	[[ "$(kubectl_admin get node "$node_name" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}
wait_for "$dir" kubelet 120 node_ready

kube_proxy_config "$dir"
start_bg kube-proxy "$dir" "$node_bin_dir/kube-proxy" --config "$dir/run/kube-proxy.yaml"
wait_for "$dir" kube-proxy 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$KUBE_PROXY_HEALTHZ_PORT"

corefile "$dir"
start_bg coredns "$dir" "$node_bin_dir/coredns" -conf "$dir/run/Corefile"
wait_for "$dir" coredns 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$COREDNS_READY_PORT"

start_bg provisioner "$dir" "$node_bin_dir/provisioner" -kubeconfig "$dir/run/provisioner.kubeconfig" \
	-root "$dir/volumes" -node "$node_name"

# Pods need the default ServiceAccount and the root CA ConfigMap of their
# namespace, and a node without the not-ready taint.
wait_for "$dir" kube-controller-manager 120 kubectl_admin -n default get serviceaccount/default configmap/kube-root-ca.crt
untainted() { [[ -z "$(kubectl_admin get node "$node_name" -o jsonpath='{.spec.taints}')" ]]; }
wait_for "$dir" kube-controller-manager 120 untainted
printf 'REGISTRY=127.0.0.1:%s\nAPISERVER=https://%s:%s\n' "$REGISTRY_PORT" "$node_ip" "$APISERVER_PORT" >"$dir/run/cluster.env"
trap - ERR

cat <<EOF
local cluster up in $((SECONDS - start))s (state and logs in $dir)
  export KUBECONFIG=$dir/kubeconfig
  export PATH=$cp_bin:\$PATH   # the pinned kubectl
  kubectl get nodes -o wide
  registry: 127.0.0.1:$REGISTRY_PORT (push with hack/image.sh --push 127.0.0.1:$REGISTRY_PORT/NAME:TAG)
stop it with: $here/down.sh $dir
EOF
