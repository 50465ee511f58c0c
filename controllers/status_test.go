package controllers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func TestApplyShardProgress(t *testing.T) {
	at := func(s int) *metav1.Time { return &metav1.Time{Time: time.Date(2026, 11, 27, 10, 0, s, 0, time.UTC)} }
	shard := func(i, done, total int32, token string, s int) v1alpha1.ShardStatus {
		return v1alpha1.ShardStatus{Index: i, ItemsDone: done, ItemsTotal: total, FencingToken: token, UpdatedAt: at(s), Message: token}
	}
	cases := []struct {
		name   string
		prev   *v1alpha1.Progress
		shards []v1alpha1.ShardStatus
		want   *v1alpha1.Progress
	}{
		{"sums current shards", nil, []v1alpha1.ShardStatus{shard(0, 10, 40, "2/u", 5), shard(1, 30, 40, "2/u", 7), shard(2, 39, 40, "1/u", 9)},
			&v1alpha1.Progress{ItemsDone: 40, ItemsTotal: 80, Percent: 50, PercentText: "50%", Items: "40/80", UpdatedAt: at(7), Message: "2/u"}},
		{"no current shard leaves progress alone", &v1alpha1.Progress{ItemsDone: 5, ItemsTotal: 10}, []v1alpha1.ShardStatus{shard(0, 9, 10, "1/u", 1)},
			&v1alpha1.Progress{ItemsDone: 5, ItemsTotal: 10}},
		{"never goes backwards while shards of a new hold report", &v1alpha1.Progress{ItemsDone: 60, ItemsTotal: 80},
			[]v1alpha1.ShardStatus{shard(0, 30, 40, "2/u", 1), shard(1, 0, 40, "2/u", 1)}, &v1alpha1.Progress{ItemsDone: 60, ItemsTotal: 80}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			run := testutil.MakeForecastRun("a", "ns").Obj()
			run.Status.FencingToken, run.Status.Progress, run.Status.Shards = "2/u", tc.prev, tc.shards
			applyShardProgress(run)
			if diff := cmp.Diff(tc.want, run.Status.Progress); diff != "" {
				t.Errorf("progress (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetPhaseConditions(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	cond := func(typ string, s metav1.ConditionStatus, reason string) metav1.Condition {
		return metav1.Condition{Type: typ, Status: s, Reason: reason, Message: "m", ObservedGeneration: 3}
	}
	cases := []struct {
		phase  v1alpha1.Phase
		reason string
		want   []metav1.Condition
		events int
	}{
		{v1alpha1.PhaseQueued, v1alpha1.ReasonWaitingForLock, []metav1.Condition{
			cond("Ready", "False", v1alpha1.ReasonWaitingForLock), cond("Reconciling", "True", v1alpha1.ReasonWaitingForLock), cond("Stalled", "False", v1alpha1.ReasonWaitingForLock),
		}, 1},
		{v1alpha1.PhaseSucceeded, v1alpha1.ReasonJobSucceeded, []metav1.Condition{
			cond("Ready", "True", v1alpha1.ReasonJobSucceeded), cond("Reconciling", "False", v1alpha1.ReasonJobSucceeded), cond("Stalled", "False", v1alpha1.ReasonJobSucceeded),
			cond("Succeeded", "True", v1alpha1.ReasonJobSucceeded),
		}, 1},
		{v1alpha1.PhaseCancelled, v1alpha1.ReasonCancelled, []metav1.Condition{ // stalled, not failed
			cond("Ready", "False", v1alpha1.ReasonCancelled), cond("Reconciling", "False", v1alpha1.ReasonCancelled), cond("Stalled", "True", v1alpha1.ReasonCancelled),
		}, 1},
		{v1alpha1.PhaseRejected, v1alpha1.ReasonRejected, []metav1.Condition{ // stalled, not failed
			cond("Ready", "False", v1alpha1.ReasonRejected), cond("Reconciling", "False", v1alpha1.ReasonRejected), cond("Stalled", "True", v1alpha1.ReasonRejected),
		}, 1},
		{v1alpha1.PhaseFailed, v1alpha1.ReasonTimeout, []metav1.Condition{
			cond("Ready", "False", v1alpha1.ReasonTimeout), cond("Reconciling", "False", v1alpha1.ReasonTimeout), cond("Stalled", "True", v1alpha1.ReasonTimeout),
			cond("Failed", "True", v1alpha1.ReasonTimeout),
		}, 1},
	}
	for _, tc := range cases {
		t.Run(string(tc.phase), func(t *testing.T) {
			run := testutil.MakeForecastRun("a", "ns").Obj()
			run.Generation = 3
			p := &pass{run: run, w: &world{now: now}}
			p.setPhase(tc.phase, tc.reason, "m")
			p.setPhase(tc.phase, tc.reason, "m") // a second pass: no new Event
			if diff := cmp.Diff(tc.want, run.Status.Conditions, cmpopts.IgnoreFields(metav1.Condition{}, "LastTransitionTime")); diff != "" {
				t.Errorf("conditions (-want +got):\n%s", diff)
			}
			if len(p.events) != tc.events {
				t.Errorf("%d events, want %d", len(p.events), tc.events)
			}
			if tc.phase.Finished() != (run.Status.CompletionTime != nil) {
				t.Errorf("completionTime = %v for phase %s", run.Status.CompletionTime, tc.phase)
			}
		})
	}
}
