package notify

import (
	"fmt"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// Retry policy: attempt n+1 waits FirstBackoff·2^(n-1), at most maxBackoff;
// after maxAttempts the message is given up (about ten minutes in all
// with the default FirstBackoff).
const (
	maxAttempts         = 8
	DefaultFirstBackoff = 5 * time.Second
	maxBackoff          = 5 * time.Minute
	// DefaultAttemptTimeout bounds one delivery. An attempt recorded but
	// never concluded (the manager stopped) is due again once it has
	// passed.
	DefaultAttemptTimeout = 15 * time.Second
)

// maxEntries is status.notifications' MaxItems: a run preempted over and
// over stops announcing it before the list is full.
const maxEntries = 64

// event is a moment of a run that targets may be told of.
type event struct {
	phase v1alpha1.NotifyPhase
	// id is the event ID every target gets for it.
	id string
}

// reached lists the events the run has reached, from its status alone, so
// that a pass that missed a moment (the run was Running for less than a
// pass, the manager was down) still finds it: Running once the run has
// started, the final phase once it has one, and each preemption.
func reached(run *v1alpha1.ForecastRun) []event {
	uid := string(run.UID)
	var events []event
	st := &run.Status
	if st.StartTime != nil || st.Phase == v1alpha1.PhaseRunning {
		events = append(events, event{v1alpha1.NotifyPhase(v1alpha1.PhaseRunning), uid + "/Running"})
	}
	for n := int32(1); n <= st.Preemptions; n++ {
		events = append(events, event{v1alpha1.NotifyPreempted, fmt.Sprintf("%s/Preempted/%d", uid, n)})
	}
	if st.Phase.Finished() {
		events = append(events, event{v1alpha1.NotifyPhase(st.Phase), uid + "/" + string(st.Phase)})
	}
	return events
}

// phasesOf is what target asked for, or the default.
func phasesOf(target v1alpha1.NotifyTarget) []v1alpha1.NotifyPhase {
	if len(target.Phases) == 0 {
		return v1alpha1.DefaultNotifyPhases
	}
	return target.Phases
}

// plan is what a pass does: the notifications list to record before
// sending (new entries, and due ones with their attempt begun) and the
// entries to send now.
type plan struct {
	entries []v1alpha1.NotificationStatus
	send    []v1alpha1.NotificationStatus
	// changed says entries differ from the status read.
	changed bool
}

// decide plans a pass at now. It adds a Pending entry for every event a
// target wants that has none yet, and begins an attempt of every Pending
// entry that is due: attempts+1, lastAttemptAt now, nextAttemptAt after
// the attempt's timeout, so that it is retried if its outcome is never
// recorded.
func decide(run *v1alpha1.ForecastRun, now time.Time, attemptTimeout time.Duration) plan {
	p := plan{entries: slices.Clone(run.Status.Notifications)}
	known := make(map[[2]string]bool, len(p.entries))
	for _, e := range p.entries {
		known[[2]string{e.Target, e.ID}] = true
	}
	for _, target := range run.Spec.Notify {
		for _, ev := range reached(run) {
			if !slices.Contains(phasesOf(target), ev.phase) || known[[2]string{target.Name, ev.id}] || len(p.entries) >= maxEntries {
				continue
			}
			p.entries = append(p.entries, v1alpha1.NotificationStatus{ID: ev.id, Target: target.Name, Phase: ev.phase, State: v1alpha1.NotificationPending})
			p.changed = true
		}
	}
	at := metav1.NewTime(now)
	for i := range p.entries {
		e := &p.entries[i]
		if e.State != v1alpha1.NotificationPending || targetOf(run, e.Target) == nil {
			continue
		}
		if e.NextAttemptAt != nil && now.Before(e.NextAttemptAt.Time) {
			continue
		}
		e.Attempts++
		e.LastAttemptAt = &at
		e.NextAttemptAt = &metav1.Time{Time: now.Add(attemptTimeout)}
		p.send = append(p.send, *e)
		p.changed = true
	}
	return p
}

// targetOf is the spec.notify entry named name, or nil once it has been
// removed (its Pending messages are then no longer sent).
func targetOf(run *v1alpha1.ForecastRun, name string) *v1alpha1.NotifyTarget {
	for i := range run.Spec.Notify {
		if run.Spec.Notify[i].Name == name {
			return &run.Spec.Notify[i]
		}
	}
	return nil
}

// outcome is how one attempt ended.
type outcome struct {
	err error
	// permanent: retrying cannot help (the address is refused, the
	// receiver rejected the message as such).
	permanent bool
}

// conclude records attempt's outcome in e at now: Sent, Pending with the
// next attempt after a backoff that starts at first, or Failed once
// retrying cannot help or the attempts are spent.
func conclude(e *v1alpha1.NotificationStatus, o outcome, now time.Time, first time.Duration) {
	at := metav1.NewTime(now)
	if o.err == nil {
		e.State, e.SentAt, e.NextAttemptAt, e.LastError = v1alpha1.NotificationSent, &at, nil, ""
		return
	}
	e.LastError = truncate(o.err.Error(), 1024)
	if o.permanent || e.Attempts >= maxAttempts {
		e.State, e.NextAttemptAt = v1alpha1.NotificationFailed, nil
		return
	}
	e.NextAttemptAt = &metav1.Time{Time: now.Add(backoff(e.Attempts, first))}
}

// backoff is the wait after the n-th failed attempt.
func backoff(n int32, first time.Duration) time.Duration {
	d := first
	for i := int32(1); i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
