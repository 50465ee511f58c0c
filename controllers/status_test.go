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
