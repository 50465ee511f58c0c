package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// ControlPlane is a real etcd and kube-apiserver started by envtest from the
// pinned binaries, with the generated CRDs installed.
type ControlPlane struct {
	Env    *envtest.Environment
	Config *rest.Config
	// Kubeconfig is a kubeconfig file for an administrator of the server,
	// for running kubectl against it.
	Kubeconfig string
	// Kubectl is the pinned kubectl binary built beside the server.
	Kubectl string
}

// RepoRoot is the root of this repository.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// StartControlPlane starts the pinned control plane. It fails, rather than
// skipping, when KUBEBUILDER_ASSETS is not set: run the tests with `make test`,
// which builds the binaries once per machine.
func StartControlPlane(dir string) (*ControlPlane, error) {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		return nil, fmt.Errorf("KUBEBUILDER_ASSETS is not set: run the tests with `make test`, which builds the pinned control plane")
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(RepoRoot(), "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		BinaryAssetsDirectory: assets,
		// envtest's 20 s default is short for an API server starting on a
		// 2-core machine that is also compiling and running other suites.
		ControlPlaneStartTimeout: 2 * time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting the control plane from %s: %w", assets, err)
	}
	cp := &ControlPlane{Env: env, Config: cfg, Kubectl: filepath.Join(assets, "kubectl")}
	if err := cp.writeKubeconfig(dir); err != nil {
		_ = env.Stop()
		return nil, err
	}
	return cp, nil
}

func (cp *ControlPlane) writeKubeconfig(dir string) error {
	user, err := cp.Env.AddUser(envtest.User{Name: "test-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("adding a kubectl user: %w", err)
	}
	data, err := user.KubeConfig()
	if err != nil {
		return fmt.Errorf("rendering the kubeconfig: %w", err)
	}
	cp.Kubeconfig = filepath.Join(dir, "kubeconfig")
	return os.WriteFile(cp.Kubeconfig, data, 0o600)
}

// Stop stops the control plane.
func (cp *ControlPlane) Stop() error { return cp.Env.Stop() }
