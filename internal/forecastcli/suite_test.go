package forecastcli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// The suite's API server and an administrator's client for arranging
// objects; the commands under test reach the server through its kubeconfig.
var (
	controlPlane *testutil.ControlPlane
	k8s          client.Client
	namespaces   atomic.Int32
)

func TestMain(m *testing.M) {
	os.Exit(testutil.RunSuite(m, func(cp *testutil.ControlPlane, c client.Client) {
		controlPlane, k8s = cp, c
	}))
}

// newNamespace creates a namespace of the test's own.
func newNamespace(t *testing.T) string {
	t.Helper()
	ns := fmt.Sprintf("cli-%d", namespaces.Add(1))
	if err := k8s.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatalf("creating namespace %s: %v", ns, err)
	}
	return ns
}

// execute runs `kubectl forecast args...` in-process against the suite's
// API server and returns what it wrote.
func execute(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return executeAt(t, time.Now, args...)
}

// executeAt is execute with the plugin's clock set to now, for output
// that depends on the time.
func executeAt(t *testing.T, now func() time.Time, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return executeWith(t, func(g *globals) { g.now = now }, args...)
}

// executeWith is execute with the plugin's settings changed by set first.
func executeWith(t *testing.T, set func(*globals), args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	g := &globals{
		streams: Streams{Out: &out, ErrOut: &errOut},
		loading: clientcmd.NewDefaultClientConfigLoadingRules(),
		settle:  0, // no controller runs here: do not wait for a phase
		poll:    20 * time.Millisecond,
		now:     time.Now,
	}
	set(g)
	root := newRoot(g)
	root.SetArgs(append([]string{"--kubeconfig", controlPlane.Kubeconfig}, args...))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = root.ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

// mustExecute is execute that fails the test on an error.
func mustExecute(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := execute(t, args...)
	if err != nil {
		t.Fatalf("kubectl forecast %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// getRun reads a run through the administrator's client.
func getRun(t *testing.T, ns, name string) *v1alpha1.ForecastRun {
	t.Helper()
	var run v1alpha1.ForecastRun
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &run); err != nil {
		t.Fatalf("reading run %s/%s: %v", ns, name, err)
	}
	return &run
}

// createRun creates run in ns and sets its status through the status
// subresource, as the controller would.
func createRun(t *testing.T, run *v1alpha1.ForecastRun, status v1alpha1.ForecastRunStatus) *v1alpha1.ForecastRun {
	t.Helper()
	ctx := context.Background()
	if err := k8s.Create(ctx, run); err != nil {
		t.Fatalf("creating run %s: %v", run.Name, err)
	}
	if status.Phase != "" {
		run.Status = status
		if err := k8s.Status().Update(ctx, run); err != nil {
			t.Fatalf("setting the status of run %s: %v", run.Name, err)
		}
	}
	return run
}
