package controllers

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// event is a Kubernetes Event to emit once the status write succeeded.
type event struct {
	kind, reason, action, note string
}

// statusUpdate collects what one pass decided: the run's status is changed
// in place on the run, and the events and metrics that describe the change
// wait here until the single status write has succeeded, so that a pass
// that loses a conflict neither emits nor counts anything.
type statusUpdate struct {
	orig   *v1alpha1.ForecastRun
	events []event
	after  []func()
}

func newStatusUpdate(run *v1alpha1.ForecastRun) *statusUpdate {
	return &statusUpdate{orig: run.DeepCopy()}
}

// rebase makes run the base of the status patch after a metadata write.
func (st *statusUpdate) rebase(run *v1alpha1.ForecastRun) { st.orig = run.DeepCopy() }

func (st *statusUpdate) event(kind, reason, action, note string, args ...any) {
	st.events = append(st.events, event{kind, reason, action, fmt.Sprintf(note, args...)})
}

// onWritten runs f after the status write succeeded (metrics).
func (st *statusUpdate) onWritten(f func()) { st.after = append(st.after, f) }

// writeStatus patches the status when the pass changed it. The patch carries
// the resourceVersion the pass read, so a pass that acted on an outdated
// view fails with a conflict instead of overwriting a newer status.
func (r *Reconciler) writeStatus(ctx context.Context, run *v1alpha1.ForecastRun, st *statusUpdate) error {
	// This pass looked at the current generation, so every condition is
	// current as of it, not only those that changed.
	if run.DeletionTimestamp.IsZero() {
		run.Status.ObservedGeneration = run.Generation
		for i := range run.Status.Conditions {
			run.Status.Conditions[i].ObservedGeneration = run.Generation
		}
	}
	if equality.Semantic.DeepEqual(st.orig.Status, run.Status) {
		return nil
	}
	patch := client.MergeFromWithOptions(st.orig, client.MergeFromWithOptimisticLock{})
	if err := r.Status().Patch(ctx, run, patch); err != nil {
		return fmt.Errorf("writing status of %s: %w", run.Name, err)
	}
	if st.orig.Status.Phase != run.Status.Phase {
		log.FromContext(ctx).Info("run changed phase", "from", st.orig.Status.Phase, "to", run.Status.Phase, "message", run.Status.Message)
	}
	for _, e := range st.events {
		r.Recorder.Eventf(run, nil, e.kind, e.reason, e.action, "%s", e.note)
	}
	for _, f := range st.after {
		f()
	}
	return nil
}

// phaseConditions are the kstatus conditions for a phase: Ready only when
// the run succeeded, Reconciling while it is still on its way, Stalled when
// it ended without a result.
func kstatusConditions(phase v1alpha1.Phase, reason, msg string) []metav1.Condition {
	ready, reconciling, stalled := metav1.ConditionFalse, metav1.ConditionFalse, metav1.ConditionFalse
	switch {
	case phase == v1alpha1.PhaseSucceeded:
		ready = metav1.ConditionTrue
	case phase.Finished():
		stalled = metav1.ConditionTrue
	default:
		reconciling = metav1.ConditionTrue
	}
	return []metav1.Condition{
		{Type: v1alpha1.ConditionReady, Status: ready, Reason: reason, Message: msg},
		{Type: v1alpha1.ConditionReconciling, Status: reconciling, Reason: reason, Message: msg},
		{Type: v1alpha1.ConditionStalled, Status: stalled, Reason: reason, Message: msg},
	}
}

// setCondition sets one condition stamped with the run's generation.
func setCondition(run *v1alpha1.ForecastRun, typ string, status metav1.ConditionStatus, reason, msg string, now metav1.Time) {
	meta.SetStatusCondition(&run.Status.Conditions, metav1.Condition{
		Type: typ, Status: status, Reason: reason, Message: msg,
		ObservedGeneration: run.Generation, LastTransitionTime: now,
	})
}

// setPhase moves the run to phase with a reason and a message for people,
// keeping the kstatus conditions and the final-phase conditions in step. It
// records a Normal or Warning Event when the phase actually changes.
func (r *Reconciler) setPhase(run *v1alpha1.ForecastRun, st *statusUpdate, phase v1alpha1.Phase, reason, msg string) {
	now := metav1.NewTime(r.Clock.Now())
	changed := run.Status.Phase != phase
	run.Status.Phase, run.Status.Message = phase, msg
	for _, c := range kstatusConditions(phase, reason, msg) {
		setCondition(run, c.Type, c.Status, c.Reason, c.Message, now)
	}
	if phase.Finished() {
		r.setFinished(run, phase, reason, msg, now)
	}
	if changed {
		st.event(eventType(phase, reason), reason, string(phase), "%s", msg)
	}
}

// setFinished records the end of a run: completion time, the Succeeded or
// Failed condition, and Running/Admitted no longer true.
func (r *Reconciler) setFinished(run *v1alpha1.ForecastRun, phase v1alpha1.Phase, reason, msg string, now metav1.Time) {
	if run.Status.CompletionTime == nil {
		run.Status.CompletionTime = &now
	}
	run.Status.QueuePosition, run.Status.ETA = nil, ""
	if phase == v1alpha1.PhaseSucceeded {
		setCondition(run, v1alpha1.ConditionSucceeded, metav1.ConditionTrue, reason, msg, now)
	} else {
		setCondition(run, v1alpha1.ConditionFailed, metav1.ConditionTrue, reason, msg, now)
	}
	if meta.IsStatusConditionTrue(run.Status.Conditions, v1alpha1.ConditionRunning) {
		setCondition(run, v1alpha1.ConditionRunning, metav1.ConditionFalse, reason, msg, now)
	}
}

// eventType is Warning for the transitions a person may need to act on.
func eventType(phase v1alpha1.Phase, reason string) string {
	switch {
	case phase == v1alpha1.PhaseFailed, phase == v1alpha1.PhaseRejected,
		reason == v1alpha1.ReasonLockLost, reason == v1alpha1.ReasonPreemptedUrgent:
		return corev1.EventTypeWarning
	}
	return corev1.EventTypeNormal
}

// sumShards adds up the shard reports that carry the current fencing token.
// ok is false when no current shard has reported yet. updated is the latest
// report time, so that the sum is stable between reports.
func sumShards(shards []v1alpha1.ShardStatus, token string) (done, total int32, msg string, updated metav1.Time, ok bool) {
	for _, s := range shards {
		if s.FencingToken != token || token == "" {
			continue
		}
		ok = true
		done, total = done+s.ItemsDone, total+s.ItemsTotal
		if s.UpdatedAt != nil && !s.UpdatedAt.Before(&updated) {
			updated, msg = *s.UpdatedAt, s.Message
		}
	}
	return done, total, msg, updated, ok
}

// applyShardProgress folds the current shards into status.progress. Runners
// resume from checkpoints, so a drop in items done while the total is
// unchanged only means some shards of a new hold have not reported yet; the
// progress then stays where it was rather than going backwards.
func applyShardProgress(run *v1alpha1.ForecastRun) {
	done, total, msg, updated, ok := sumShards(run.Status.Shards, run.Status.FencingToken)
	if !ok {
		return
	}
	prev := run.Status.Progress
	if prev != nil && prev.ItemsTotal == total && done < prev.ItemsDone {
		return
	}
	p := &v1alpha1.Progress{Message: msg}
	p.SetCounts(done, total, updated)
	run.Status.Progress = p
}
