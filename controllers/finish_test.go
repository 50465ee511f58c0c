package controllers

import (
	"context"
	"fmt"
	"testing"
	"time"

	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// TestFinishedRunLetsGoOfItsFinalizer (defect 7): the finalizer guards the
// lock and the Job while a run holds them, and only then. A run that has
// finished and released everything, or that waits in the queue holding
// nothing, has none, so deleting it (or its namespace) while the operator
// is stopped or uninstalled does not hang.
func TestFinishedRunLetsGoOfItsFinalizer(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	m := startManager(t, ns)
	create(t, testutil.MakeForecastRun("done", ns).Horizon(1).Obj())
	waitJob(t, ns, "done-runner")
	waitPhase(t, ns, "done", v1alpha1.PhaseRunning)
	if run := getRun(t, ns, "done"); !hasFinalizer(run) {
		t.Fatalf("a run holding its lock has no finalizer")
	}
	create(t, testutil.MakeForecastRun("waiting", ns).Horizon(2).Obj())
	if run := waitPhase(t, ns, "waiting", v1alpha1.PhaseQueued); hasFinalizer(run) {
		t.Errorf("a queued run holding nothing has a finalizer: %v", run.Finalizers)
	}
	finishJob(t, ns, "done-runner", true)
	waitPhase(t, ns, "done", v1alpha1.PhaseSucceeded)
	eventually(t, 10*time.Second, "the finished run lets go of its finalizer", func() error {
		if run := getRun(t, ns, "done"); hasFinalizer(run) {
			return fmt.Errorf("finalizers %v", run.Finalizers)
		}
		return nil
	})
	waitPhase(t, ns, "waiting", v1alpha1.PhaseRunning)

	m.stop(t)
	if err := k8sClient.Delete(context.Background(), getRun(t, ns, "done")); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the finished run is deleted without an operator", func() error {
		if getRunNoT(ns, "done") != nil {
			return fmt.Errorf("still there")
		}
		return nil
	})
}

// TestFinishedRunsAreDeletedAfterTheirTTL (defect 7): as Jobs, JobSets and
// Argo Workflows do, a run is deleted spec.ttlSecondsAfterFinished after it
// finished, or the manager's --default-ttl-after-finished when it sets
// none; without either it is kept.
func TestFinishedRunsAreDeletedAfterTheirTTL(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns, withDefaultTTL(2*time.Second))
	own := testutil.MakeForecastRun("own-ttl", ns).Horizon(1).Obj()
	own.Spec.TTLSecondsAfterFinished = ptr.To[int32](1)
	create(t, own)
	waitJob(t, ns, "own-ttl-runner")
	create(t, testutil.MakeForecastRun("default-ttl", ns).Horizon(2).Obj())
	finishJob(t, ns, "own-ttl-runner", true)
	waitPhase(t, ns, "own-ttl", v1alpha1.PhaseSucceeded)
	waitJob(t, ns, "default-ttl-runner")
	finishJob(t, ns, "default-ttl-runner", false)
	waitPhase(t, ns, "default-ttl", v1alpha1.PhaseFailed)
	eventually(t, 20*time.Second, "both runs are deleted", func() error {
		for _, name := range []string{"own-ttl", "default-ttl"} {
			if getRunNoT(ns, name) != nil {
				return fmt.Errorf("%s is still there", name)
			}
		}
		return nil
	})
}
