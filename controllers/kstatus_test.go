package controllers

import (
	"testing"

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
	testutil.AssertKstatus(t, running, "ForecastRun", kstatus.InProgressStatus)
	waitJob(t, ns, "first-runner")

	create(t, testutil.MakeForecastRun("second", ns).Horizon(2).Obj())
	testutil.AssertKstatus(t, waitPhase(t, ns, "second", v1alpha1.PhaseQueued), "ForecastRun", kstatus.InProgressStatus)
	create(t, testutil.MakeForecastRun("refused", ns).Horizon(3).WhenBusy(v1alpha1.BusyReject).Obj())
	testutil.AssertKstatus(t, waitPhase(t, ns, "refused", v1alpha1.PhaseRejected), "ForecastRun", kstatus.FailedStatus)

	finishJob(t, ns, "first-runner", true)
	testutil.AssertKstatus(t, waitPhase(t, ns, "first", v1alpha1.PhaseSucceeded), "ForecastRun", kstatus.CurrentStatus)
}
