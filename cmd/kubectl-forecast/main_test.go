package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

var (
	controlPlane *testutil.ControlPlane
	k8s          client.Client
)

func TestMain(m *testing.M) {
	os.Exit(testutil.RunSuite(m, func(cp *testutil.ControlPlane, c client.Client) {
		controlPlane, k8s = cp, c
	}))
}

// TestKubectlRunsThePlugin builds the binary, puts it on PATH and runs it
// the way users do: `kubectl forecast queue`, with the pinned kubectl
// finding the plugin by its name and passing KUBECONFIG through.
func TestKubectlRunsThePlugin(t *testing.T) {
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "kubectl-forecast"), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the plugin: %v\n%s", err, out)
	}
	ns := arrangeQueue(t)

	out := kubectl(t, bin, "forecast", "queue", "-n", ns)
	t.Logf("kubectl forecast queue -n %s:\n%s", ns, out)
	for _, want := range []string{"Lock forecast-pipeline in namespace " + ns + " is held by:", "nightly", "Running", "42%", "1557/3707", "waiting"} {
		if !strings.Contains(out, want) {
			t.Errorf("kubectl forecast queue printed:\n%s\nwant %q in it", out, want)
		}
	}
	if help := kubectl(t, bin, "forecast", "--help"); !strings.Contains(help, "kubectl forecast run nightly --mode Full") {
		t.Errorf("kubectl forecast --help printed:\n%s\nwant the examples", help)
	}
}

// kubectl runs the pinned kubectl with dir first on PATH.
func kubectl(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(controlPlane.Kubectl, args...)
	cmd.Env = append(os.Environ(), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"), "KUBECONFIG="+controlPlane.Kubeconfig)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubectl %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// arrangeQueue makes a namespace where run nightly holds the default lock
// at 42% and run waiting is queued behind it, as the controller would.
func arrangeQueue(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	ns := "plugin"
	must(t, k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	holder := testutil.MakeForecastRun("nightly", ns).Obj()
	must(t, k8s.Create(ctx, holder))
	holder.Status = v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning, EstimatedCompletionTime: &metav1.Time{Time: time.Now().Add(40 * time.Second)},
		Progress: &v1alpha1.Progress{Percent: 42, ItemsDone: 1557, ItemsTotal: 3707}}
	must(t, k8s.Status().Update(ctx, holder))
	waiting := testutil.MakeForecastRun("waiting", ns).Obj()
	must(t, k8s.Create(ctx, waiting))
	waiting.Status = v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseQueued, QueuePosition: ptr.To[int32](1)}
	must(t, k8s.Status().Update(ctx, waiting))
	now := metav1.NewMicroTime(time.Now())
	must(t, k8s.Create(ctx, &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: "forecast-pipeline", Namespace: ns},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To("nightly/" + string(holder.UID)),
			LeaseDurationSeconds: ptr.To[int32](60), AcquireTime: &now, RenewTime: &now},
	}))
	return ns
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
