package controllers

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/runnerenv"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// TestUncontendedRunLifecycle follows one run from creation to Succeeded:
// lock, Job, runner identity, progress from shards (ignoring an old
// token), lock release, conditions and Events. It also measures the two
// figures of the closing note.
func TestUncontendedRunLifecycle(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	mgr := startManager(t, ns)
	before := mgr.requests.Load()
	kindsBefore := requestKindsSince(nil)

	start := time.Now()
	create(t, testutil.MakeForecastRun("solo", ns).Obj())
	job := waitJob(t, ns, "solo-runner")
	toRunning := time.Since(start)
	run := waitPhase(t, ns, "solo", v1alpha1.PhaseRunning)
	t.Logf("MEASURE create to Running with Job, first run after manager start: %s", toRunning)

	l := lease(t, ns, "forecast-pipeline")
	if got, want := ptr.Deref(l.Spec.HolderIdentity, ""), "solo/"+string(run.UID); got != want {
		t.Fatalf("lease holder = %q, want %q", got, want)
	}
	if want := fmt.Sprintf("%s/%d/%s", l.UID, ptr.Deref(l.Spec.LeaseTransitions, -1), run.UID); run.Status.FencingToken != want {
		t.Fatalf("fencing token = %q, want %q", run.Status.FencingToken, want)
	}
	if tok := envValue(job.Spec.Template.Spec.Containers[0].Env, runnerenv.FencingToken); tok != run.Status.FencingToken {
		t.Fatalf("job's token = %q, want %q", tok, run.Status.FencingToken)
	}
	assertRunnerRBAC(t, ns, "solo-runner", run)

	reportShard(t, ns, "solo", 0, 25, 50, run.Status.FencingToken)
	eventually(t, 10*time.Second, "progress is summed", progressIs(ns, "solo", 25, 50))
	reportShard(t, ns, "solo", 0, 49, 50, "0/some-older-holder")
	consistently(t, time.Second, "an old token is ignored", progressIs(ns, "solo", 25, 50))
	if r := getRun(t, ns, "solo"); r.Status.EstimatedCompletionTime == nil || r.Status.EstimatedCompletionTime.Before(r.Status.Progress.UpdatedAt) {
		t.Errorf("estimated completion %v at 50%% reported at %v: want a time after the report", r.Status.EstimatedCompletionTime, r.Status.Progress.UpdatedAt)
	}

	if c, _ := eventCounts(ns, "solo"); c[v1alpha1.ReasonLockLost] > 0 {
		t.Fatalf("lost lock: %v", c)
	}
	reportShard(t, ns, "solo", 0, 50, 50, run.Status.FencingToken)
	finishJob(t, ns, "solo-runner", true)
	run = waitPhase(t, ns, "solo", v1alpha1.PhaseSucceeded)
	t.Logf("MEASURE API requests from create to Succeeded (manager's RoundTripper): %d", mgr.requests.Load()-before)
	t.Logf("MEASURE by kind (all managers of parallel tests, so only exact when run alone): %v", requestKindsSince(kindsBefore))

	eventually(t, 10*time.Second, "lock released", leaseHolderIs(ns, "forecast-pipeline", ""))
	assertConditions(t, run, map[string]bool{
		v1alpha1.ConditionAdmitted: true, v1alpha1.ConditionRunning: false, v1alpha1.ConditionSucceeded: true,
		v1alpha1.ConditionReady: true, v1alpha1.ConditionReconciling: false, v1alpha1.ConditionStalled: false,
	})
	if run.Status.Progress == nil || run.Status.Progress.PercentText != "100%" || run.Status.CompletionTime == nil {
		t.Errorf("final status: progress %+v, completionTime %v", run.Status.Progress, run.Status.CompletionTime)
	}
	eventually(t, 10*time.Second, "events for each transition", eventsAre(ns, "solo", "LockAcquired", "JobRunning", "JobSucceeded"))

	start = time.Now()
	create(t, testutil.MakeForecastRun("warm", ns).Obj())
	waitJob(t, ns, "warm-runner")
	t.Logf("MEASURE create to Running with Job, warm manager: %s", time.Since(start))
	eventually(t, 10*time.Second, "estimates from the previous run's throughput before any report", func() error {
		r := getRun(t, ns, "warm")
		if r.Status.EstimatedDuration == nil || r.Status.EstimatedCompletionTime == nil || r.Status.Progress != nil ||
			!r.Status.EstimatedCompletionTime.Equal(&metav1.Time{Time: r.Status.AdmittedAt.Add(r.Status.EstimatedDuration.Duration)}) {
			return fmt.Errorf("estimated duration %v, completion %v, admitted %v, progress %+v",
				r.Status.EstimatedDuration, r.Status.EstimatedCompletionTime, r.Status.AdmittedAt, r.Status.Progress)
		}
		return nil
	})
}

func envValue(env []corev1.EnvVar, name string) string {
	for _, e := range env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

// assertRunnerRBAC checks the runner's ServiceAccount, Role and binding:
// owned by the run, and the Role limited to this run by name.
func assertRunnerRBAC(t *testing.T, ns, name string, run *v1alpha1.ForecastRun) {
	t.Helper()
	ctx := context.Background()
	var sa corev1.ServiceAccount
	var role rbacv1.Role
	var rb rbacv1.RoleBinding
	for _, obj := range []client.Object{&sa, &role, &rb} {
		if err := k8sClient.Get(ctx, keyOf(ns, name), obj); err != nil {
			t.Fatalf("reading %T %s: %v", obj, name, err)
		}
		if refs := obj.GetOwnerReferences(); len(refs) != 1 || refs[0].UID != run.UID {
			t.Errorf("%T %s owner references = %+v", obj, name, refs)
		}
	}
	for _, rule := range role.Rules {
		if len(rule.ResourceNames) != 1 || rule.ResourceNames[0] != run.Name {
			t.Errorf("role rule %+v is not limited to the run by name", rule)
		}
	}
}

func progressIs(ns, name string, done, total int32) func() error {
	return func() error {
		var run v1alpha1.ForecastRun
		if err := k8sClient.Get(context.Background(), keyOf(ns, name), &run); err != nil {
			return err
		}
		p := run.Status.Progress
		if p == nil || p.ItemsDone != done || p.ItemsTotal != total {
			return fmt.Errorf("progress of %s = %+v, want %d/%d", name, p, done, total)
		}
		return nil
	}
}

func leaseHolderIs(ns, name, want string) func() error {
	return func() error {
		var l = struct{ holder string }{}
		lease := leaseOrNil(ns, name)
		if lease != nil {
			l.holder = ptr.Deref(lease.Spec.HolderIdentity, "")
		}
		if l.holder != want {
			return fmt.Errorf("lease %s holder = %q, want %q", name, l.holder, want)
		}
		return nil
	}
}

// assertNoCondition checks that the run has no condition of type typ.
func assertNoCondition(t *testing.T, run *v1alpha1.ForecastRun, typ string) {
	t.Helper()
	if c := meta.FindStatusCondition(run.Status.Conditions, typ); c != nil {
		t.Errorf("run %s has condition %+v, want none of type %s", run.Name, c, typ)
	}
}

func assertConditions(t *testing.T, run *v1alpha1.ForecastRun, want map[string]bool) {
	t.Helper()
	for typ, status := range want {
		c := meta.FindStatusCondition(run.Status.Conditions, typ)
		if c == nil {
			t.Errorf("run %s has no %s condition", run.Name, typ)
			continue
		}
		if (c.Status == "True") != status || c.ObservedGeneration != run.Generation {
			t.Errorf("run %s condition %s = %s (generation %d), want %v (generation %d)", run.Name, typ, c.Status, c.ObservedGeneration, status, run.Generation)
		}
	}
}

// eventsAre checks that the run has exactly one Event of each reason.
func eventsAre(ns, name string, reasons ...string) func() error {
	return func() error {
		counts, err := eventCounts(ns, name)
		if err != nil {
			return err
		}
		for _, r := range reasons {
			if counts[r] != 1 {
				return fmt.Errorf("events of %s: %v, want one %s", name, counts, r)
			}
		}
		return nil
	}
}

// TestDeletingRunReleasesLock: deleting a running run stops its Job and
// releases its lock through the finalizer; the next run is admitted.
func TestDeletingRunReleasesLock(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("doomed", ns).Horizon(1).Obj())
	waitJob(t, ns, "doomed-runner")
	run := waitPhase(t, ns, "doomed", v1alpha1.PhaseRunning)
	if len(run.Finalizers) != 1 || run.Finalizers[0] != finalizer {
		t.Fatalf("finalizers = %v, want [%s]", run.Finalizers, finalizer)
	}
	create(t, testutil.MakeForecastRun("next", ns).Horizon(2).Obj())
	waitPhase(t, ns, "next", v1alpha1.PhaseQueued)
	if err := k8sClient.Delete(context.Background(), run); err != nil {
		t.Fatalf("deleting run: %v", err)
	}
	eventually(t, 10*time.Second, "the run is gone", func() error {
		if getRunNoT(ns, "doomed") != nil {
			return fmt.Errorf("still there")
		}
		return nil
	})
	eventually(t, 10*time.Second, "its job is deleted", jobGone(ns, "doomed-runner"))
	waitPhase(t, ns, "next", v1alpha1.PhaseRunning)
	waitJob(t, ns, "next-runner")
}
