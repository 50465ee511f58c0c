package controllers

import (
	"fmt"
	"testing"
	"time"

	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/runnerenv"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func TestPreemptingRun(t *testing.T) {
	queued := func(name string, p v1alpha1.Priority) v1alpha1.ForecastRun {
		r := testutil.MakeForecastRun(name, "ns").Priority(p).Obj()
		r.Status.Phase = v1alpha1.PhaseQueued
		return *r
	}
	notYetQueued := *testutil.MakeForecastRun("fresh", "ns").Priority(v1alpha1.PriorityUrgent).Obj()
	dup := queued("dup", v1alpha1.PriorityUrgent)
	dup.Status.DuplicateOf = "other"
	cases := []struct {
		name   string
		holder v1alpha1.Priority
		others []v1alpha1.ForecastRun
		want   string
	}{
		{"urgent preempts normal", v1alpha1.PriorityNormal, []v1alpha1.ForecastRun{queued("u", v1alpha1.PriorityUrgent)}, "u"},
		{"unset priority is normal", "", []v1alpha1.ForecastRun{queued("u", v1alpha1.PriorityUrgent)}, "u"},
		{"high does not preempt", v1alpha1.PriorityNormal, []v1alpha1.ForecastRun{queued("h", v1alpha1.PriorityHigh)}, ""},
		{"high holder is not preempted", v1alpha1.PriorityHigh, []v1alpha1.ForecastRun{queued("u", v1alpha1.PriorityUrgent)}, ""},
		{"urgent holder is not preempted", v1alpha1.PriorityUrgent, []v1alpha1.ForecastRun{queued("u", v1alpha1.PriorityUrgent)}, ""},
		{"only runs committed to the queue", v1alpha1.PriorityNormal, []v1alpha1.ForecastRun{notYetQueued, dup}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			holder := testutil.MakeForecastRun("holder", "ns").Priority(tc.holder).Obj()
			got := ""
			if p := preemptingRun(holder, tc.others); p != nil {
				got = p.Name
			}
			if got != tc.want {
				t.Errorf("preempting run = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestUrgentPreemptsNormal: a High run waits behind a running Normal run;
// an Urgent run preempts it (Job deleted, run queued again with a
// Preempted condition and a count). The Normal run later resumes in a new
// Job with a new fencing token, and reports of the old token are ignored.
func TestUrgentPreemptsNormal(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("normal", ns).Horizon(1).Obj())
	waitJob(t, ns, "normal-runner")
	first := waitPhase(t, ns, "normal", v1alpha1.PhaseRunning)
	reportShard(t, ns, "normal", 0, 20, 50, first.Status.FencingToken)
	eventually(t, 10*time.Second, "progress", progressIs(ns, "normal", 20, 50))

	create(t, testutil.MakeForecastRun("high", ns).Horizon(2).Priority(v1alpha1.PriorityHigh).Obj())
	waitPhase(t, ns, "high", v1alpha1.PhaseQueued)
	consistently(t, time.Second, "High does not preempt", phaseIs(ns, "normal", v1alpha1.PhaseRunning))

	create(t, testutil.MakeForecastRun("urgent", ns).Horizon(3).Priority(v1alpha1.PriorityUrgent).Obj())
	waitPhase(t, ns, "urgent", v1alpha1.PhaseRunning)
	waitJob(t, ns, "urgent-runner")
	eventually(t, 10*time.Second, "the preempted Job is deleted", jobGone(ns, "normal-runner"))
	// The preemption is recorded first; the run's place in the queue by the
	// pass after it.
	waitPhase(t, ns, "normal", v1alpha1.PhaseQueued)
	eventually(t, 10*time.Second, "normal queued behind High", func() error {
		if pos := ptr.Deref(getRun(t, ns, "normal").Status.QueuePosition, 0); pos != 2 {
			return fmt.Errorf("position %d, want 2", pos)
		}
		return nil
	})
	n := getRun(t, ns, "normal")
	if n.Status.Phase != v1alpha1.PhaseQueued || n.Status.Preemptions != 1 {
		t.Errorf("phase %s, preemptions = %d; want Queued, 1", n.Status.Phase, n.Status.Preemptions)
	}
	if c := findCondition(n, v1alpha1.ConditionPreempted); c == nil || c.Status != "True" || c.Reason != v1alpha1.ReasonPreemptedUrgent {
		t.Errorf("preempted condition = %+v", c)
	}
	eventually(t, 10*time.Second, "a Preempted event", eventsAre(ns, "normal", v1alpha1.ReasonPreemptedUrgent))

	finishJob(t, ns, "urgent-runner", true)
	waitJob(t, ns, "high-runner")
	finishJob(t, ns, "high-runner", true)
	job := waitJob(t, ns, "normal-runner-1")
	resumed := waitPhase(t, ns, "normal", v1alpha1.PhaseRunning)
	if resumed.Status.FencingToken == first.Status.FencingToken || envValue(job.Spec.Template.Spec.Containers[0].Env, runnerenv.FencingToken) != resumed.Status.FencingToken {
		t.Fatalf("resumed token %q (job %q), first %q: want a new token in the new job", resumed.Status.FencingToken,
			envValue(job.Spec.Template.Spec.Containers[0].Env, runnerenv.FencingToken), first.Status.FencingToken)
	}
	if c := findCondition(resumed, v1alpha1.ConditionPreempted); c == nil || c.Status != "False" || c.Reason != v1alpha1.ReasonResumed {
		t.Errorf("preempted condition after resuming = %+v", c)
	}
	reportShard(t, ns, "normal", 0, 45, 50, first.Status.FencingToken) // the stopped runner, late
	consistently(t, time.Second, "the old runner's report is ignored", progressIs(ns, "normal", 20, 50))
	reportShard(t, ns, "normal", 0, 30, 50, resumed.Status.FencingToken) // resumed from its checkpoint
	eventually(t, 10*time.Second, "the new runner's report counts", progressIs(ns, "normal", 30, 50))
	finishJob(t, ns, "normal-runner-1", true)
	waitPhase(t, ns, "normal", v1alpha1.PhaseSucceeded)
}
