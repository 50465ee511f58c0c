package forecastcli

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// rerun copies the spec with cancel reset, and the labels and annotations
// a person set, but not those tools use to claim the old object.
func TestRerunCopiesTheSpec(t *testing.T) {
	ns := newNamespace(t)
	src := testutil.MakeForecastRun("nightly", ns).Mode(v1alpha1.ModeSample).Priority(v1alpha1.PriorityHigh).
		Horizon(7).Output("results", "runs").Labels(map[string]string{"team": "demand", "app.kubernetes.io/instance": "argo-app", "forecasting.dev/schedule": "nightly"}).Obj()
	src.Annotations = map[string]string{"note": "weekly", "kubectl.kubernetes.io/last-applied-configuration": "{}"}
	src.Spec.Cancel = true
	createRun(t, src, v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseCancelled})
	src = getRun(t, ns, "nightly")

	out := mustExecute(t, "rerun", "nightly", "-n", ns)
	var list v1alpha1.ForecastRunList
	if err := k8s.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	var copied *v1alpha1.ForecastRun
	for i := range list.Items {
		if strings.HasPrefix(list.Items[i].Name, "nightly-rerun-") {
			copied = &list.Items[i]
		}
	}
	if copied == nil {
		t.Fatalf("no nightly-rerun-* run after rerun; it printed %q", out)
	}
	if !strings.Contains(out, "forecastrun/"+copied.Name+" created") {
		t.Errorf("rerun printed %q; want the new name", out)
	}
	want := src.Spec.DeepCopy()
	want.Cancel = false
	if d := cmp.Diff(*want, copied.Spec); d != "" {
		t.Errorf("rerun spec (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]string{"team": "demand"}, copied.Labels); d != "" {
		t.Errorf("rerun labels (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]string{"note": "weekly"}, copied.Annotations); d != "" {
		t.Errorf("rerun annotations (-want +got):\n%s", d)
	}
}

func TestRerunWithAName(t *testing.T) {
	ns := newNamespace(t)
	createRun(t, testutil.MakeForecastRun("first", ns).Obj(), v1alpha1.ForecastRunStatus{})
	mustExecute(t, "rerun", "first", "--name", "second", "-n", ns)
	if got := getRun(t, ns, "second"); got.Spec.Dataset.Synthetic == nil || got.Spec.Dataset.Synthetic.Items != 50 {
		t.Errorf("second's dataset %+v, want first's synthetic 50 items", got.Spec.Dataset)
	}
	_, _, err := execute(t, "rerun", "missing", "-n", ns)
	if err == nil || !strings.Contains(err.Error(), `forecastrun "missing" not found in namespace `+ns) {
		t.Errorf("rerun of a missing run: %v", err)
	}
}

// TestRerunOfALongName (defect 4 of the lifecycle issue): a rerun of a run
// whose name is already long gets a generated name that still fits the 63
// characters a run's name may have, and still says it is a rerun.
func TestRerunOfALongName(t *testing.T) {
	ns := newNamespace(t)
	long := strings.Repeat("l", 60)
	createRun(t, testutil.MakeForecastRun(long, ns).Obj(), v1alpha1.ForecastRunStatus{})
	out := mustExecute(t, "rerun", long, "-n", ns)
	var list v1alpha1.ForecastRunList
	if err := k8s.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 2 {
		t.Fatalf("%d runs after the rerun (it printed %q), want 2", len(list.Items), out)
	}
	for _, r := range list.Items {
		if r.Name != long && (len(r.Name) > 63 || !strings.Contains(r.Name, "-rerun-")) {
			t.Errorf("rerun named %q (%d characters)", r.Name, len(r.Name))
		}
	}
}
