package controllers

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// TestRunHealthFollowsKstatus reads runs the controller drove to each stage
// with kstatus, the library behind Flux's health checks and kubectl wait
// --for=condition: a queued or running run is InProgress, a succeeded one
// Current, a rejected one Failed, so a Flux Kustomization that contains a
// run waits for it and fails when it fails.
func TestRunHealthFollowsKstatus(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("first", ns).Horizon(1).Obj())
	running := waitPhase(t, ns, "first", v1alpha1.PhaseRunning)
	assertKstatus(t, running, kstatus.InProgressStatus)
	waitJob(t, ns, "first-runner")

	create(t, testutil.MakeForecastRun("second", ns).Horizon(2).Obj())
	assertKstatus(t, waitPhase(t, ns, "second", v1alpha1.PhaseQueued), kstatus.InProgressStatus)
	create(t, testutil.MakeForecastRun("refused", ns).Horizon(3).WhenBusy(v1alpha1.BusyReject).Obj())
	assertKstatus(t, waitPhase(t, ns, "refused", v1alpha1.PhaseRejected), kstatus.FailedStatus)

	finishJob(t, ns, "first-runner", true)
	assertKstatus(t, waitPhase(t, ns, "first", v1alpha1.PhaseSucceeded), kstatus.CurrentStatus)
}

func assertKstatus(t *testing.T, run *v1alpha1.ForecastRun, want kstatus.Status) {
	t.Helper()
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(run)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: obj}
	u.SetAPIVersion(v1alpha1.GroupVersion.String())
	u.SetKind("ForecastRun")
	res, err := kstatus.Compute(u)
	if err != nil {
		t.Fatalf("kstatus of %s: %v", run.Name, err)
	}
	if res.Status != want {
		t.Errorf("kstatus of %s (%s) = %s (%s), want %s", run.Name, run.Status.Phase, res.Status, res.Message, want)
	}
}
