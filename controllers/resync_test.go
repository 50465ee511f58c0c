package controllers

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// TestFinishedRunIsNeverExecutedAgain: what a GitOps tool does to a run kept
// in Git (re-apply it unchanged on every sync) and what a restarted manager
// does (reconcile every run afresh) must leave a finished run finished,
// with its one Job and without a new lock.
func TestFinishedRunIsNeverExecutedAgain(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	manifest := `apiVersion: forecasting.dev/v1alpha1
kind: ForecastRun
metadata: {name: kept-in-git, namespace: ` + ns + `}
spec:
  mode: QuickTest
  horizon: 5
  dataset: {synthetic: {items: 20}}
`
	apply := func() string {
		t.Helper()
		cmd := exec.Command(cp.Kubectl, "--kubeconfig", cp.Kubeconfig, "apply", "--server-side", "--field-manager", "argocd-controller", "-f", "-")
		cmd.Stdin = strings.NewReader(manifest)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl apply: %v\n%s", err, out)
		}
		return string(out)
	}
	m := startManager(t, ns)
	apply()
	waitPhase(t, ns, "kept-in-git", v1alpha1.PhaseRunning)
	waitJob(t, ns, "kept-in-git-runner")
	finishJob(t, ns, "kept-in-git-runner", true)
	waitPhase(t, ns, "kept-in-git", v1alpha1.PhaseSucceeded)
	eventually(t, 10*time.Second, "lock released", leaseHolderIs(ns, "forecast-pipeline", ""))
	var done *v1alpha1.ForecastRun
	eventually(t, 10*time.Second, "the finished run let go of its finalizer", func() error {
		if done = getRun(t, ns, "kept-in-git"); hasFinalizer(done) {
			return fmt.Errorf("finalizers %v", done.Finalizers)
		}
		return nil
	})

	m.stop(t)
	apply()
	startManager(t, ns)
	apply()
	// Give the new manager time to reconcile everything it lists.
	time.Sleep(2 * time.Second)
	after := getRun(t, ns, "kept-in-git")
	if after.ResourceVersion != done.ResourceVersion || after.Status.Phase != v1alpha1.PhaseSucceeded {
		t.Errorf("the finished run changed: resourceVersion %s → %s, phase %s", done.ResourceVersion, after.ResourceVersion, after.Status.Phase)
	}
	if jobs := listJobs(t, ns); len(jobs) != 1 {
		t.Errorf("%d Jobs after a restart and re-applies, want the first one only", len(jobs))
	}
	if err := leaseHolderIs(ns, "forecast-pipeline", "")(); err != nil {
		t.Errorf("lock after re-apply: %v", err)
	}
}
