package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func TestOrderQueue(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	run := func(name string, p v1alpha1.Priority, age time.Duration) v1alpha1.ForecastRun {
		r := testutil.MakeForecastRun(name, "ns").Priority(p).Obj()
		r.CreationTimestamp = metav1.NewTime(t0.Add(-age))
		return *r
	}
	cases := []struct {
		name string
		runs []v1alpha1.ForecastRun
		want []string
	}{
		{"priority first", []v1alpha1.ForecastRun{
			run("n", v1alpha1.PriorityNormal, time.Hour), run("u", v1alpha1.PriorityUrgent, 0), run("h", v1alpha1.PriorityHigh, time.Minute),
		}, []string{"u", "h", "n"}},
		{"then creation time", []v1alpha1.ForecastRun{
			run("young", v1alpha1.PriorityHigh, time.Second), run("old", v1alpha1.PriorityHigh, time.Hour),
		}, []string{"old", "young"}},
		{"then name, so the order is total", []v1alpha1.ForecastRun{
			run("b", v1alpha1.PriorityNormal, 0), run("a", v1alpha1.PriorityNormal, 0), run("c", "", 0),
		}, []string{"a", "b", "c"}},
		{"unset priority is Normal", []v1alpha1.ForecastRun{
			run("unset", "", time.Hour), run("high", v1alpha1.PriorityHigh, 0),
		}, []string{"high", "unset"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range orderQueue(tc.runs) {
				got = append(got, r.Name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHolderPhrase(t *testing.T) {
	cases := []struct {
		holder *v1alpha1.LockHolder
		want   string
	}{
		{nil, "is free"},
		{&v1alpha1.LockHolder{Name: "maintenance"}, "held by maintenance"},
		{&v1alpha1.LockHolder{Name: "nightly-full", Phase: v1alpha1.PhaseRunning}, "held by nightly-full (Running)"},
	}
	for _, tc := range cases {
		if got := holderPhrase(tc.holder); got != tc.want {
			t.Errorf("holderPhrase(%+v) = %q, want %q", tc.holder, got, tc.want)
		}
	}
}

// TestFiveRunsQueueInOrder: one runs, four wait in priority order with
// positions 1..4 and a message naming the holder (not its progress, which
// is the holder's own); each
// finished Job admits the next at once and the positions move up.
func TestFiveRunsQueueInOrder(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("q1", ns).Horizon(1).Obj())
	q1 := waitPhase(t, ns, "q1", v1alpha1.PhaseRunning)
	waitJob(t, ns, "q1-runner")
	reportShard(t, ns, "q1", 0, 21, 50, q1.Status.FencingToken)
	priorities := map[string]v1alpha1.Priority{"q2": v1alpha1.PriorityNormal, "q3": v1alpha1.PriorityHigh, "q4": v1alpha1.PriorityNormal, "q5": v1alpha1.PriorityHigh}
	for i, name := range []string{"q2", "q3", "q4", "q5"} {
		create(t, testutil.MakeForecastRun(name, ns).Horizon(int32(i+2)).Priority(priorities[name]).Obj())
	}
	eventually(t, 20*time.Second, "four runs queued in order", queueIs(ns, "q3", "q5", "q2", "q4"))
	eventually(t, 10*time.Second, "the head's message names the holder and its place", func() error {
		msg := getRun(t, ns, "q3").Status.Message
		if want := "waiting for lock forecast-pipeline held by q1 (Running); position 1"; msg != want {
			return fmt.Errorf("message = %q, want %q", msg, want)
		}
		return nil
	})
	q3 := getRun(t, ns, "q3")
	if h := q3.Status.LockHolder; h == nil || h.Name != "q1" || h.Phase != v1alpha1.PhaseRunning {
		t.Errorf("lockHolder = %+v", h)
	}
	assertConditions(t, q3, map[string]bool{v1alpha1.ConditionAdmitted: false, v1alpha1.ConditionReconciling: true})

	order := []string{"q1", "q3", "q5", "q2", "q4"}
	for i := 0; i < len(order)-1; i++ {
		finishJob(t, ns, order[i]+"-runner", true)
		waitPhase(t, ns, order[i], v1alpha1.PhaseSucceeded)
		waitPhase(t, ns, order[i+1], v1alpha1.PhaseRunning)
		waitJob(t, ns, order[i+1]+"-runner")
		eventually(t, 10*time.Second, "positions move up", queueIs(ns, order[i+2:]...))
	}
	finishJob(t, ns, "q4-runner", true)
	waitPhase(t, ns, "q4", v1alpha1.PhaseSucceeded)
	eventually(t, 10*time.Second, "lock released", leaseHolderIs(ns, "forecast-pipeline", ""))
}

// queueIs checks that the named runs are Queued with positions 1..n.
func queueIs(ns string, names ...string) func() error {
	return func() error {
		for i, name := range names {
			var run v1alpha1.ForecastRun
			if err := k8sClient.Get(context.Background(), keyOf(ns, name), &run); err != nil {
				return err
			}
			if run.Status.Phase != v1alpha1.PhaseQueued || ptr.Deref(run.Status.QueuePosition, 0) != int32(i+1) {
				return fmt.Errorf("%s is %s at position %d, want Queued at %d (%s)", name, run.Status.Phase, ptr.Deref(run.Status.QueuePosition, 0), i+1, run.Status.Message)
			}
		}
		return nil
	}
}

// TestRejectNamesHolder: whenBusy=Reject ends at once, naming the holder,
// and starts nothing.
func TestRejectNamesHolder(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("holder", ns).Horizon(1).Obj())
	h := waitPhase(t, ns, "holder", v1alpha1.PhaseRunning)
	waitJob(t, ns, "holder-runner")
	reportShard(t, ns, "holder", 0, 10, 50, h.Status.FencingToken)
	eventually(t, 10*time.Second, "holder progress", progressIs(ns, "holder", 10, 50))
	create(t, testutil.MakeForecastRun("impatient", ns).Horizon(2).WhenBusy(v1alpha1.BusyReject).Obj())
	run := waitPhase(t, ns, "impatient", v1alpha1.PhaseRejected)
	if want := "rejected: lock forecast-pipeline held by holder (Running)"; !strings.HasPrefix(run.Status.Message, want) {
		t.Errorf("message = %q, want prefix %q", run.Status.Message, want)
	}
	assertConditions(t, run, map[string]bool{v1alpha1.ConditionStalled: true, v1alpha1.ConditionReady: false, v1alpha1.ConditionAdmitted: false})
	assertNoCondition(t, run, v1alpha1.ConditionFailed) // rejected, not failed
	consistently(t, time.Second, "no job for the rejected run", func() error {
		if n := len(listJobs(t, ns)); n != 1 {
			return fmt.Errorf("%d jobs", n)
		}
		return nil
	})
}

// TestQueueTimeout: a run that waits longer than queueTimeout fails, woken
// by its own timer rather than by any event.
func TestQueueTimeout(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("holder", ns).Horizon(1).Obj())
	waitPhase(t, ns, "holder", v1alpha1.PhaseRunning)
	create(t, testutil.MakeForecastRun("waiter", ns).Horizon(2).QueueTimeout(metav1.Duration{Duration: 3 * time.Second}).Obj())
	waitPhase(t, ns, "waiter", v1alpha1.PhaseQueued)
	run := waitPhase(t, ns, "waiter", v1alpha1.PhaseFailed)
	if c := findCondition(run, v1alpha1.ConditionFailed); c == nil || c.Reason != v1alpha1.ReasonQueueTimeout {
		t.Errorf("failed condition = %+v, want reason %s", c, v1alpha1.ReasonQueueTimeout)
	}
	if got := waitPhase(t, ns, "holder", v1alpha1.PhaseRunning); got.Status.Phase != v1alpha1.PhaseRunning {
		t.Errorf("holder disturbed: %s", got.Status.Phase)
	}
}
