# Configuration files of the local node (sourced by up.sh). Each function
# writes one file from the state folder DIR and the ports in DIR/run/ports.env.
# shellcheck shell=bash

# kubeconfig_for DIR FILE USER CERTNAME writes a kubeconfig with embedded
# certificates that talks to the API server on the node's address.
kubeconfig_for() {
	local dir=$1 file=$2 user=$3 cert=$4 kc=("$cp_bin/kubectl" config --kubeconfig="$2")
	rm -f "$file"
	"${kc[@]}" set-cluster local --server="https://$node_ip:$APISERVER_PORT" \
		--certificate-authority="$dir/pki/ca.crt" --embed-certs >/dev/null
	"${kc[@]}" set-credentials "$user" \
		--client-certificate="$dir/pki/$cert.crt" --client-key="$dir/pki/$cert.key" --embed-certs >/dev/null
	"${kc[@]}" set-context local --cluster=local --user="$user" >/dev/null
	"${kc[@]}" use-context local >/dev/null
}

# registry_config DIR: the distribution registry on loopback, storing in
# DIR/registry, deletes allowed so tests can remove an image.
registry_config() {
	cat >"$1/run/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $1/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$REGISTRY_PORT
  debug:
    addr: 127.0.0.1:$REGISTRY_DEBUG_PORT
  headers:
    X-Content-Type-Options: [nosniff]
EOF
}

# containerd_config DIR: containerd 2.x with its CRI plugin, runc from the
# node build, the locally built pause image, CNI from Debian's plugins, and
# the local registry over plain HTTP.
containerd_config() {
	local dir=$1
	mkdir -p "$dir/containerd/certs.d/127.0.0.1:$REGISTRY_PORT" "$dir/cni/net.d"
	cat >"$dir/containerd/certs.d/127.0.0.1:$REGISTRY_PORT/hosts.toml" <<EOF
server = "http://127.0.0.1:$REGISTRY_PORT"
[host."http://127.0.0.1:$REGISTRY_PORT"]
  capabilities = ["pull", "resolve", "push"]
EOF
	cat >"$dir/containerd/config.toml" <<EOF
version = 3
root = "$dir/containerd/root"
state = "$dir/run/containerd/state"
[grpc]
  address = "$dir/run/containerd.sock"
[ttrpc]
  address = "$dir/run/containerd-ttrpc.sock"
[debug]
  level = "warn"
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "$PAUSE_IMAGE"
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = "$dir/containerd/certs.d"
[plugins.'io.containerd.cri.v1.runtime']
  # This machine may not lower oom_score_adj (no CAP_SYS_RESOURCE): the
  # setting made for unprivileged and nested nodes.
  restrict_oom_score_adj = true
  netns_mounts_under = "$dir/run/netns"
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["$CNI_BIN_DIR"]
    conf_dir = "$dir/cni/net.d"
    max_conf_num = 1
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = "runc"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = "$node_bin_dir/runc"
        SystemdCgroup = false
EOF
}

# cni_config DIR: one bridge network. Pods get an address from host-local
# IPAM and routes to the Pod and Service ranges only; no IP masquerade, so
# nothing they send leaves the machine.
cni_config() {
	cat >"$1/cni/net.d/10-forecastrun.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "forecastrun-local",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$bridge",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$1/cni/ipam",
        "ranges": [[{"subnet": "$pod_cidr", "gateway": "$node_ip"}]],
        "routes": [{"dst": "$pod_cidr"}, {"dst": "$service_cidr"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
}

# kubelet_config DIR: the kubelet on the bridge address with webhook
# authentication and authorization, cgroupfs below its own cgroup root, and
# eviction on memory only (this VM's disk is invisible to cAdvisor, so disk
# signals would be read as zero).
kubelet_config() {
	local dir=$1
	printf 'nameserver %s\n' "$dns_service_ip" >"$dir/kubelet/resolv.conf"
	cat >"$dir/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $node_ip
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $dir/pki/kubelet.crt
tlsPrivateKeyFile: $dir/pki/kubelet.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $dir/pki/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$dir/run/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: /$cgroup_root
failCgroupV1: false
clusterDNS: [$dns_service_ip]
clusterDomain: cluster.local
resolvConf: $dir/kubelet/resolv.conf
podLogsDir: $dir/logs/pods
evictionHard:
  memory.available: 200Mi
imageGCHighThresholdPercent: 100
failSwapOn: false
serializeImagePulls: false
registerNode: true
EOF
}

# kube_proxy_config DIR: iptables mode, the conntrack sysctls left as the
# machine has them (a VM may refuse to change them).
kube_proxy_config() {
	cat >"$1/run/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection:
  kubeconfig: $1/run/kube-proxy.kubeconfig
hostnameOverride: $node_name
clusterCIDR: $pod_cidr
bindAddress: $node_ip
healthzBindAddress: 127.0.0.1:$KUBE_PROXY_HEALTHZ_PORT
metricsBindAddress: 127.0.0.1:$KUBE_PROXY_METRICS_PORT
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
EOF
}

# corefile DIR: cluster DNS for cluster.local on the node's address, where
# the kube-dns Service's endpoints point.
corefile() {
	cat >"$1/run/Corefile" <<EOF
cluster.local:53 in-addr.arpa:53 {
    bind $node_ip
    errors
    health 127.0.0.1:$COREDNS_HEALTH_PORT
    ready 127.0.0.1:$COREDNS_READY_PORT
    kubernetes cluster.local in-addr.arpa {
        kubeconfig $1/run/coredns.kubeconfig local
        pods insecure
        ttl 5
    }
    cache 5
}
EOF
}

# addons: what the node's services need in the API, applied once the API
# server is up: the narrow roles of the DNS server and the provisioner, the
# kube-dns Service (its endpoint is CoreDNS on the node's address), and the
# default StorageClass.
addons() {
	cat <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "forecastrun-local:coredns"}
rules:
- apiGroups: [""]
  resources: [services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "forecastrun-local:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "forecastrun-local:coredns"}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:forecastrun-local:coredns"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "forecastrun-local:provisioner"}
rules:
- apiGroups: [""]
  resources: [persistentvolumes]
  verbs: [get, list, watch, create, delete, patch, update]
- apiGroups: [""]
  resources: [persistentvolumeclaims]
  verbs: [get, list, watch, update, patch]
- apiGroups: [storage.k8s.io]
  resources: [storageclasses]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [events]
  verbs: [create, update, patch]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, update, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "forecastrun-local:provisioner"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "forecastrun-local:provisioner"}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:forecastrun-local:provisioner"}
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns}
spec:
  clusterIP: $dns_service_ip
  ports:
  - {name: dns, port: 53, protocol: UDP, targetPort: 53}
  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kube-dns-node
  namespace: kube-system
  labels:
    kubernetes.io/service-name: kube-dns
    endpointslice.kubernetes.io/managed-by: forecastrun-localcluster
addressType: IPv4
endpoints:
- addresses: ["$node_ip"]
  conditions: {ready: true}
  nodeName: $node_name
ports:
- {name: dns, port: 53, protocol: UDP}
- {name: dns-tcp, port: 53, protocol: TCP}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: forecastrun.dev/local-dir
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
EOF
}
