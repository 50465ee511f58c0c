package forecastcli

import (
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func TestCancelPatchesSpecCancel(t *testing.T) {
	ns := newNamespace(t)
	createRun(t, testutil.MakeForecastRun("running", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning})
	out := mustExecute(t, "cancel", "running", "-n", ns)
	if !getRun(t, ns, "running").Spec.Cancel {
		t.Errorf("spec.cancel is still false after cancel")
	}
	if !strings.Contains(out, "forecastrun/running cancel requested (was Running)") {
		t.Errorf("cancel printed %q", out)
	}
	if out := mustExecute(t, "cancel", "running", "-n", ns); !strings.Contains(out, "already being cancelled") {
		t.Errorf("second cancel printed %q; want that it is already being cancelled", out)
	}
}

func TestCancelLeavesFinishedRunsAlone(t *testing.T) {
	ns := newNamespace(t)
	createRun(t, testutil.MakeForecastRun("done", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseSucceeded})
	out := mustExecute(t, "cancel", "done", "-n", ns)
	if getRun(t, ns, "done").Spec.Cancel || !strings.Contains(out, "already finished (Succeeded)") {
		t.Errorf("cancel of a finished run printed %q and set cancel %v; want nothing changed", out, getRun(t, ns, "done").Spec.Cancel)
	}
}

func TestCancelNamesTheMissingRunAndNamespace(t *testing.T) {
	ns := newNamespace(t)
	_, _, err := execute(t, "cancel", "ghost", "-n", ns)
	if err == nil || err.Error() != `forecastrun "ghost" not found in namespace `+ns {
		t.Errorf("cancel of a missing run: %v", err)
	}
}
