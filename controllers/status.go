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

// record writes the decided status when it differs from what was read.
// The patch carries the resourceVersion the pass read, so a pass that
// acted on an outdated view fails with a conflict instead of overwriting a
// newer status; its actions are then not carried out. Events and metrics
// follow a successful write, so a pass that loses a conflict neither emits
// nor counts anything.
func (r *Reconciler) record(ctx context.Context, read *v1alpha1.ForecastRun, d decision) error {
	if equality.Semantic.DeepEqual(read.Status, d.run.Status) {
		return nil
	}
	patch := client.MergeFromWithOptions(read, client.MergeFromWithOptimisticLock{})
	if err := r.Status().Patch(ctx, d.run, patch); err != nil {
		return fmt.Errorf("writing status of %s: %w", read.Name, err)
	}
	if read.Status.Phase != d.run.Status.Phase {
		log.FromContext(ctx).Info("run changed phase", "from", read.Status.Phase, "to", d.run.Status.Phase, "message", d.run.Status.Message)
	}
	for _, e := range d.events {
		r.Recorder.Eventf(d.run, nil, e.kind, e.reason, e.action, "%s", e.note)
	}
	for _, f := range d.after {
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
func (p *pass) setPhase(phase v1alpha1.Phase, reason, msg string) {
	run, now := p.run, p.now()
	changed := run.Status.Phase != phase
	run.Status.Phase, run.Status.Message = phase, msg
	for _, c := range kstatusConditions(phase, reason, msg) {
		setCondition(run, c.Type, c.Status, c.Reason, c.Message, now)
	}
	if phase.Finished() {
		setFinished(run, phase, reason, msg, now)
	}
	if changed {
		p.event(eventType(phase, reason), reason, string(phase), "%s", msg)
	}
}

// setFinished records the end of a run: completion time, the Succeeded or
// Failed condition, and Running no longer true. A Rejected or Cancelled run
// neither succeeded nor failed: Stalled (set with the phase) says it ended
// without a result, and the phase and reason say why.
func setFinished(run *v1alpha1.ForecastRun, phase v1alpha1.Phase, reason, msg string, now metav1.Time) {
	if run.Status.CompletionTime == nil {
		run.Status.CompletionTime = &now
	}
	run.Status.QueuePosition, run.Status.EstimatedCompletionTime = nil, nil
	switch phase {
	case v1alpha1.PhaseSucceeded:
		setCondition(run, v1alpha1.ConditionSucceeded, metav1.ConditionTrue, reason, msg, now)
	case v1alpha1.PhaseFailed:
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
