package notify

import (
	"errors"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

func TestDecide(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	started := metav1.NewTime(now.Add(-time.Minute))
	later := metav1.NewTime(now.Add(time.Second))
	ops := v1alpha1.NotifyTarget{Name: "ops", Phases: []v1alpha1.NotifyPhase{"Running", "Preempted", "Succeeded"}}
	team := v1alpha1.NotifyTarget{Name: "team"} // default phases: Succeeded, Failed
	entry := func(target, id string, state v1alpha1.NotificationState, next *metav1.Time) v1alpha1.NotificationStatus {
		return v1alpha1.NotificationStatus{Target: target, ID: id, State: state, Attempts: 1, NextAttemptAt: next}
	}
	for _, tc := range []struct {
		name     string
		targets  []v1alpha1.NotifyTarget
		status   v1alpha1.ForecastRunStatus
		wantSend []string // target:id of the messages to send now
		wantLen  int      // entries after the pass
	}{
		{"queued: nothing yet", []v1alpha1.NotifyTarget{ops, team}, v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseQueued}, nil, 0},
		{"running: only the target that chose Running", []v1alpha1.NotifyTarget{ops, team},
			v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning, StartTime: &started}, []string{"ops:u/Running"}, 1},
		{"a fast run that was never seen running still announces Running", []v1alpha1.NotifyTarget{ops},
			v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseSucceeded, StartTime: &started}, []string{"ops:u/Running", "ops:u/Succeeded"}, 2},
		{"each preemption is an event of its own", []v1alpha1.NotifyTarget{ops},
			v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseQueued, StartTime: &started, Preemptions: 2,
				Notifications: []v1alpha1.NotificationStatus{entry("ops", "u/Running", v1alpha1.NotificationSent, nil)}},
			[]string{"ops:u/Preempted/1", "ops:u/Preempted/2"}, 3},
		{"the default phases: Failed, not Cancelled", []v1alpha1.NotifyTarget{team, {Name: "other"}},
			v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseCancelled}, nil, 0},
		{"sent and given-up messages are not sent again", []v1alpha1.NotifyTarget{team, {Name: "b"}},
			v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseFailed, Notifications: []v1alpha1.NotificationStatus{
				entry("team", "u/Failed", v1alpha1.NotificationSent, nil), entry("b", "u/Failed", v1alpha1.NotificationFailed, nil)}}, nil, 2},
		{"a retry waits for its time", []v1alpha1.NotifyTarget{team},
			v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseFailed, Notifications: []v1alpha1.NotificationStatus{
				entry("team", "u/Failed", v1alpha1.NotificationPending, &later)}}, nil, 1},
		{"a retry whose time has come", []v1alpha1.NotifyTarget{team},
			v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseFailed, Notifications: []v1alpha1.NotificationStatus{
				entry("team", "u/Failed", v1alpha1.NotificationPending, &started)}}, []string{"team:u/Failed"}, 1},
		{"a removed target gets nothing more", nil,
			v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseFailed, Notifications: []v1alpha1.NotificationStatus{
				entry("team", "u/Failed", v1alpha1.NotificationPending, nil)}}, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := &v1alpha1.ForecastRun{Spec: v1alpha1.ForecastRunSpec{Notify: tc.targets}, Status: tc.status}
			run.UID = "u"
			p := decide(run, now, time.Second)
			var send []string
			for _, e := range p.send {
				send = append(send, e.Target+":"+e.ID)
				if e.State != v1alpha1.NotificationPending || e.LastAttemptAt == nil || !e.NextAttemptAt.Time.Equal(now.Add(time.Second)) {
					t.Errorf("a message to send is not recorded as an attempt begun: %+v", e)
				}
			}
			if !slices.Equal(send, tc.wantSend) || len(p.entries) != tc.wantLen {
				t.Errorf("decide sends %v with %d entries; want %v with %d", send, len(p.entries), tc.wantSend, tc.wantLen)
			}
			if p.changed != (len(p.entries) != len(tc.status.Notifications) || len(send) > 0) {
				t.Errorf("changed = %v", p.changed)
			}
		})
	}
}

func TestConclude(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	failed := errors.New("receiver answered 503")
	for _, tc := range []struct {
		name      string
		attempts  int32
		o         outcome
		wantState v1alpha1.NotificationState
		wantNext  time.Duration // 0: none
	}{
		{"accepted", 3, outcome{}, v1alpha1.NotificationSent, 0},
		{"first failure waits the first backoff", 1, outcome{err: failed}, v1alpha1.NotificationPending, 5 * time.Second},
		{"the wait doubles", 4, outcome{err: failed}, v1alpha1.NotificationPending, 40 * time.Second},
		{"and stops growing", 7, outcome{err: failed}, v1alpha1.NotificationPending, maxBackoff},
		{"the last attempt gives up", maxAttempts, outcome{err: failed}, v1alpha1.NotificationFailed, 0},
		{"a permanent failure gives up at once", 1, outcome{err: failed, permanent: true}, v1alpha1.NotificationFailed, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := v1alpha1.NotificationStatus{State: v1alpha1.NotificationPending, Attempts: tc.attempts, LastError: "earlier"}
			conclude(&e, tc.o, now, DefaultFirstBackoff)
			var next time.Duration
			if e.NextAttemptAt != nil {
				next = e.NextAttemptAt.Sub(now)
			}
			if e.State != tc.wantState || next != tc.wantNext {
				t.Errorf("state %s, next attempt in %s; want %s in %s", e.State, next, tc.wantState, tc.wantNext)
			}
			if (e.LastError == "") != (tc.o.err == nil) {
				t.Errorf("lastError %q after outcome %v", e.LastError, tc.o.err)
			}
		})
	}
}
