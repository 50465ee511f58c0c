# Certificates of the local cluster (sourced by up.sh): one CA, a serving
# certificate for the API server and the kubelet, a client certificate per
# component with the identity RBAC and the Node authorizer expect, and the
# ServiceAccount signing key. Made with openssl, once per state folder.
# shellcheck shell=bash

# make_pki PKI_DIR
make_pki() {
	local pki=$1
	[[ -f "$pki/ca.crt" ]] && return 0
	mkdir -p "$pki"
	openssl ecparam -name prime256v1 -genkey -noout -out "$pki/ca.key" 2>/dev/null
	openssl req -x509 -new -key "$pki/ca.key" -subj "/CN=forecastrun-local-ca" -days 3650 \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		-out "$pki/ca.crt" 2>/dev/null

	local apiserver_names="IP:127.0.0.1,IP:$node_ip,IP:$kubernetes_service_ip,DNS:localhost,DNS:kubernetes"
	apiserver_names+=",DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
	serving_cert "$pki" apiserver kube-apiserver "$apiserver_names"
	serving_cert "$pki" kubelet "$node_name" "IP:$node_ip,DNS:$node_name,DNS:localhost"

	client_cert "$pki" admin forecastrun-admin system:masters
	client_cert "$pki" controller-manager system:kube-controller-manager ""
	client_cert "$pki" scheduler system:kube-scheduler ""
	client_cert "$pki" kube-proxy system:kube-proxy ""
	client_cert "$pki" kubelet-client "system:node:$node_name" system:nodes
	client_cert "$pki" apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
	# The two add-ons of the node, bound to narrow roles in addons.yaml.
	client_cert "$pki" coredns system:forecastrun-local:coredns ""
	client_cert "$pki" provisioner system:forecastrun-local:provisioner ""

	# The ServiceAccount token signing key; RSA because every client verifies RS256.
	openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
	openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
}

# leaf PKI NAME SUBJECT EXTENSIONS signs an EC key pair with the CA.
leaf() {
	local pki=$1 name=$2 subj=$3 ext=$4
	openssl ecparam -name prime256v1 -genkey -noout -out "$pki/$name.key" 2>/dev/null
	openssl req -new -key "$pki/$name.key" -subj "$subj" -out "$pki/$name.csr" 2>/dev/null
	openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
		-CAcreateserial -days 3650 -out "$pki/$name.crt" -extfile <(printf '%s\n' "$ext") 2>/dev/null
	rm -f "$pki/$name.csr"
}

serving_cert() {
	leaf "$1" "$2" "/CN=$3" "keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$4"
}

# client_cert PKI NAME USER GROUP: the API server reads USER from the CN and
# the group from O.
client_cert() {
	local subj="/CN=$3"
	[[ -n "$4" ]] && subj="/O=$4/CN=$3"
	leaf "$1" "$2" "$subj" "keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
}
