#!/usr/bin/env bash
# Starts a local Kubernetes control plane for the demo and the e2e tests:
# etcd, kube-apiserver and kube-controller-manager from the pinned binaries
# (hack/build-control-plane.sh), plus the node agent (hack/nodeagent) that
# registers a Node and runs Pods as local processes.
#
#   hack/localcluster/up.sh DIR [nodeagent flags...]
#
# Everything lives in DIR: pki/, etcd/ data, logs/, run/ (pid files, ports),
# kubeconfig (admin), pvc/ and pods/ (the node agent's folders). Extra
# arguments go to the node agent, e.g.
#   --image-map 'ghcr.io/forecastrun/forecastrun:dev=/abs/path/bin'
# NODEAGENT=0 skips the node agent (start it later with nodeagent.sh).
# Stop everything with hack/localcluster/down.sh DIR.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

if [[ $# -lt 1 ]]; then
	echo "usage: $0 DIR [nodeagent flags...]" >&2
	exit 2
fi
mkdir -p "$1"
dir=$(cd "$1" && pwd)
shift

for c in etcd kube-apiserver kube-controller-manager nodeagent; do
	if pid_alive "$dir/run/$c.pid" "$dir"; then
		echo "error: a local cluster is already running in $dir ($c pid $(cat "$dir/run/$c.pid")); run $here/down.sh $dir first" >&2
		exit 1
	fi
done

bin=$(control_plane_bin)
mkdir -p "$dir/logs" "$dir/run" "$dir/pki" "$dir/etcd"
start=$SECONDS

# --- certificates -----------------------------------------------------------
pki=$dir/pki
# leaf KEYNAME CN ORG EXT signs an EC key pair with the local CA.
leaf() {
	local name=$1 cn=$2 org=$3 ext=$4 subj="/CN=$2"
	[[ -n "$org" ]] && subj="/O=$org/CN=$cn"
	openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$name.key" 2>/dev/null
	openssl req -new -key "$pki/$name.key" -subj "$subj" -out "$pki/$name.csr" 2>/dev/null
	openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
		-CAcreateserial -days 3650 -out "$pki/$name.crt" -extfile <(printf '%s\n' "$ext") 2>/dev/null
	rm -f "$pki/$name.csr"
}
if [[ ! -f "$pki/ca.crt" ]]; then
	openssl ecparam -name prime256v1 -genkey -noout -out "$pki/ca.key" 2>/dev/null
	openssl req -x509 -new -key "$pki/ca.key" -subj "/CN=forecastrun-local-ca" -days 3650 \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		-out "$pki/ca.crt" 2>/dev/null
	client_ext="keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
	serving_ext="keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
	leaf apiserver kube-apiserver "" "$serving_ext"
	leaf admin forecastrun-admin system:masters "$client_ext"
	leaf controller-manager system:kube-controller-manager "" "$client_ext"
	leaf apiserver-kubelet-client kube-apiserver-kubelet-client system:masters "$client_ext"
	leaf nodeagent local-node "" "keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost"
	# The ServiceAccount token signing key; RSA because every client verifies RS256.
	openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
	openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
fi

# --- ports ------------------------------------------------------------------
etcd_port=$(free_port)
etcd_peer_port=$(free_port)
api_port=$(free_port)
kcm_port=$(free_port)
printf 'ETCD_PORT=%s\nAPISERVER_PORT=%s\nKCM_PORT=%s\n' "$etcd_port" "$api_port" "$kcm_port" >"$dir/run/ports.env"

# --- kubeconfigs --------------------------------------------------------------
# kubeconfig_for FILE USER CERTNAME writes a kubeconfig with embedded certs.
kubeconfig_for() {
	local file=$1 user=$2 cert=$3
	rm -f "$file"
	"$bin/kubectl" config --kubeconfig="$file" set-cluster local --server="https://127.0.0.1:$api_port" \
		--certificate-authority="$pki/ca.crt" --embed-certs >/dev/null
	"$bin/kubectl" config --kubeconfig="$file" set-credentials "$user" \
		--client-certificate="$pki/$cert.crt" --client-key="$pki/$cert.key" --embed-certs >/dev/null
	"$bin/kubectl" config --kubeconfig="$file" set-context local --cluster=local --user="$user" >/dev/null
	"$bin/kubectl" config --kubeconfig="$file" use-context local >/dev/null
}
kubeconfig_for "$dir/kubeconfig" admin admin
kubeconfig_for "$dir/run/controller-manager.kubeconfig" system:kube-controller-manager controller-manager

# If anything below fails, take down what was started so a retry starts clean.
trap 'echo "up.sh failed; logs are in $dir/logs; stopping what was started" >&2; "$here/down.sh" "$dir" >/dev/null 2>&1 || true' ERR

# --- etcd ---------------------------------------------------------------------
# --unsafe-no-fsync: the data is throwaway and fsync dominates on shared disks.
start_bg etcd "$dir" "$bin/etcd" --name local --data-dir "$dir/etcd" \
	--listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
	--listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
	--initial-cluster "local=http://127.0.0.1:$etcd_peer_port" --unsafe-no-fsync --log-level warn

# --- kube-apiserver -----------------------------------------------------------
# The endpoint reconciler is off: it refuses a loopback advertise address.
# Admission: the defaults plus NodeRestriction; TaintNodesByCondition and
# StorageObjectInUseProtection are off because nothing here (no scheduler, no
# node-lifecycle or pvc-protection controller) would ever clear what they add.
start_bg kube-apiserver "$dir" "$bin/kube-apiserver" \
	--bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
	--etcd-servers "http://127.0.0.1:$etcd_port" \
	--tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
	--client-ca-file "$pki/ca.crt" \
	--service-account-issuer https://kubernetes.default.svc.cluster.local \
	--service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
	--service-cluster-ip-range 10.0.0.0/24 \
	--authorization-mode Node,RBAC \
	--enable-admission-plugins NodeRestriction \
	--disable-admission-plugins TaintNodesByCondition,StorageObjectInUseProtection \
	--kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" \
	--kubelet-client-key "$pki/apiserver-kubelet-client.key" \
	--kubelet-certificate-authority "$pki/ca.crt" \
	--kubelet-preferred-address-types InternalIP \
	--endpoint-reconciler-type none \
	--allow-privileged=true --profiling=false

kubectl_admin() { "$bin/kubectl" --kubeconfig "$dir/kubeconfig" "$@"; }

# wait_for NAME SECONDS CMD... polls CMD until it succeeds, failing early when
# the process NAME died (its log tail explains why).
wait_for() {
	local name=$1 secs=$2
	shift 2
	for _ in $(seq 1 $((secs * 2))); do
		"$@" >/dev/null 2>&1 && return 0
		if ! pid_alive "$dir/run/$name.pid" "$dir"; then
			echo "error: $name exited; last lines of $dir/logs/$name.log:" >&2
			tail -n 20 "$dir/logs/$name.log" >&2
			return 1
		fi
		sleep 0.5
	done
	echo "error: $name not ready after ${secs}s; see $dir/logs/$name.log" >&2
	return 1
}
wait_for kube-apiserver 120 kubectl_admin get --raw /readyz

# --- kube-controller-manager --------------------------------------------------
# Only the controllers Jobs need. Each controller gets its own ServiceAccount
# credentials so RBAC applies to them as in a real cluster.
controllers=job-controller,garbage-collector-controller,ttl-after-finished-controller
controllers+=,serviceaccount-token-controller,serviceaccount-controller
controllers+=,root-ca-certificate-publisher-controller,namespace-controller,pod-garbage-collector-controller
start_bg kube-controller-manager "$dir" "$bin/kube-controller-manager" \
	--kubeconfig "$dir/run/controller-manager.kubeconfig" \
	--authentication-kubeconfig "$dir/run/controller-manager.kubeconfig" \
	--authorization-kubeconfig "$dir/run/controller-manager.kubeconfig" \
	--bind-address 127.0.0.1 --secure-port "$kcm_port" \
	--controllers "$controllers" --use-service-account-credentials \
	--service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
	--leader-elect=false
# The controllers are up once the default ServiceAccount and the root CA
# ConfigMap exist: Pods need both.
wait_for kube-controller-manager 120 kubectl_admin -n default get serviceaccount/default configmap/kube-root-ca.crt

# --- node agent ---------------------------------------------------------------
if [[ "${NODEAGENT:-1}" != 0 ]]; then
	"$here/nodeagent.sh" "$dir" "$@"
fi
trap - ERR

cat <<EOF
local cluster up in $((SECONDS - start))s (state and logs in $dir)
  export KUBECONFIG=$dir/kubeconfig
  export PATH=$bin:\$PATH   # the pinned kubectl
  kubectl get nodes
stop it with: $here/down.sh $dir
EOF
