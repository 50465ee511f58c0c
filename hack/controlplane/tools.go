//go:build tools

// Package controlplane only records the upstream commands that
// hack/build-control-plane.sh builds, so that `go mod tidy` keeps them.
package controlplane

import (
	_ "go.etcd.io/etcd/server/v3/etcdmain"
	_ "k8s.io/kubectl/pkg/cmd"
	_ "k8s.io/kubernetes/cmd/kube-apiserver/app"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager/app"
)
