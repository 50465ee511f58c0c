package controllers

import (
	"fmt"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// Ways a run ends before its Job does: cancellation, its execution timeout
// and its queue timeout. Each is recorded first; stopping the Job and
// releasing the lock are then obligations of the ended run (endingActions),
// carried out after the record by this pass or, if it fails, the next.

// ending decides for a run that finished, is cancelled or is being deleted:
// a cancellation not yet recorded is recorded; nothing else changes.
func (p *pass) ending() {
	run := p.run
	if run.Spec.Cancel && !run.Status.Phase.Finished() && run.DeletionTimestamp.IsZero() {
		p.cancel()
	}
}

// cancel ends a queued or running run at the user's request.
func (p *pass) cancel() {
	run := p.run
	msg := "cancelled by spec.cancel"
	if was := run.Status.Phase; was != "" {
		msg = fmt.Sprintf("cancelled by spec.cancel while %s", was)
	}
	run.Status.QueuePosition, run.Status.LockHolder = nil, nil
	p.setPhase(v1alpha1.PhaseCancelled, v1alpha1.ReasonCancelled, msg)
}

// endingActions stop what an ended run still holds: a Job that has not
// finished is deleted and any hold of the lock released; a run being
// deleted then lets go of its finalizer.
func endingActions(run *v1alpha1.ForecastRun, w *world) []action {
	var acts []action
	if jobUnfinished(w.job) {
		acts = append(acts, action{kind: actDeleteJob, job: w.job.Name, why: "the run has ended"})
	}
	if w.lock.state == lockMine {
		acts = append(acts, action{kind: actReleaseLock, why: "the run has ended"})
	}
	if !run.DeletionTimestamp.IsZero() && hasFinalizer(run) {
		acts = append(acts, action{kind: actRemoveFinalizer})
	}
	return acts
}

// failTimeout ends a run that ran longer than spec.timeout. The Job's own
// activeDeadlineSeconds normally ends it first; this covers a Job that is
// stuck without Pods, where the deadline is not enforced by anyone else.
func (p *pass) failTimeout() {
	p.setPhase(v1alpha1.PhaseFailed, v1alpha1.ReasonTimeout,
		fmt.Sprintf("timed out: still running after timeout %s", p.run.Spec.Timeout.Duration))
	p.observeDuration()
}

// failQueueTimeout ends a run that waited longer than spec.queueTimeout.
func (p *pass) failQueueTimeout() {
	run := p.run
	holder := p.w.queue.holder
	run.Status.QueuePosition, run.Status.LockHolder = nil, nil
	p.setPhase(v1alpha1.PhaseFailed, v1alpha1.ReasonQueueTimeout,
		fmt.Sprintf("waited longer than queueTimeout %s: lock %s %s", run.Spec.QueueTimeout.Duration, run.Spec.LockName, holderPhrase(holder)))
}
