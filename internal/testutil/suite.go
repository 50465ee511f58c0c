package testutil

import (
	"context"
	"fmt"
	"os"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// Scheme knows the built-in kinds, ForecastRun and CRDs.
func Scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		clientgoscheme.AddToScheme, v1alpha1.AddToScheme, apiextensionsv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			panic(fmt.Sprintf("building the test scheme: %v", err))
		}
	}
	return s
}

// RunSuite is a TestMain body for a package that tests against the real
// API server: it starts the pinned control plane, hands it and an
// administrator's client to setup, runs the tests and stops everything. It
// returns the exit code for os.Exit.
func RunSuite(m *testing.M, setup func(cp *ControlPlane, c client.Client)) int {
	return runSuite(m, false, setup)
}

// RunSecuredSuite is RunSuite on a control plane that also has the
// operator's cluster-wide RBAC and admission policies (config/default)
// installed and in force, for tests that act as restricted users.
func RunSecuredSuite(m *testing.M, setup func(cp *ControlPlane, c client.Client)) int {
	return runSuite(m, true, setup)
}

func runSuite(m *testing.M, secured bool, setup func(cp *ControlPlane, c client.Client)) int {
	dir, err := os.MkdirTemp("", "forecastrun-envtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	cp, err := StartControlPlane(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cp.Stop()
	c, err := client.New(cp.Config, client.Options{Scheme: Scheme()})
	if err != nil {
		fmt.Fprintf(os.Stderr, "creating the test client: %v\n", err)
		return 1
	}
	if secured {
		if err := cp.InstallClusterConfig(context.Background(), c); err != nil {
			fmt.Fprintf(os.Stderr, "installing the operator's RBAC and admission policies: %v\n", err)
			return 1
		}
	}
	setup(cp, c)
	return m.Run()
}
