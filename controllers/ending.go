package controllers

import (
	"fmt"
	"time"

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
	for _, deadline := range []func(*v1alpha1.ForecastRun, *world) (time.Duration, bool){jobTTLLeft, runTTLLeft} {
		if left, ok := deadline(run, p.w); ok && left > 0 {
			p.wakeIn(left + 100*time.Millisecond)
		}
	}
	if p.w.stillExecuting() && p.w.lock.state == lockMine {
		p.wakeIn(p.w.cfg.LeaseDuration / 3) // renew the hold while it stops
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
// finished is deleted, and once nothing of the run executes any more, any
// hold of the lock is released; a run being deleted then lets go of its
// finalizer.
func endingActions(run *v1alpha1.ForecastRun, w *world) []action {
	acts := stopActions(w, w.lock.state == lockMine, "", "the run has ended")
	if jobExpired(run, w) {
		acts = append(acts, action{kind: actDeleteJob, job: w.job.Name, why: "the finished Job outlived --job-ttl"})
	}
	if w.stillExecuting() {
		return acts
	}
	// Nothing of the run executes any more and its hold, if any, is
	// released by the actions above: the finalizer has nothing left to
	// guard.
	if hasFinalizer(run) {
		acts = append(acts, action{kind: actRemoveFinalizer})
	}
	if run.DeletionTimestamp.IsZero() && runExpired(run, w) {
		acts = append(acts, action{kind: actDeleteRun, why: "ttlSecondsAfterFinished"})
	}
	return acts
}

// guardedByFinalizer puts adding the finalizer before an action that makes
// or keeps the run a holder of its lock or of a Job.
func guardedByFinalizer(run *v1alpha1.ForecastRun, a action) []action {
	if hasFinalizer(run) {
		return []action{a}
	}
	return []action{{kind: actAddFinalizer}, a}
}

// ttlAfterFinished is how long the finished run is kept: its own
// ttlSecondsAfterFinished, else the manager's default; ok is false when
// it is kept for good.
func ttlAfterFinished(run *v1alpha1.ForecastRun, cfg Config) (time.Duration, bool) {
	if s := run.Spec.TTLSecondsAfterFinished; s != nil {
		return time.Duration(*s) * time.Second, true
	}
	return cfg.DefaultTTLAfterFinished, cfg.DefaultTTLAfterFinished > 0
}

// runTTLLeft is how long a finished run is still kept.
func runTTLLeft(run *v1alpha1.ForecastRun, w *world) (time.Duration, bool) {
	ttl, ok := ttlAfterFinished(run, w.cfg)
	if !ok || !run.Status.Phase.Finished() || run.Status.CompletionTime == nil {
		return 0, false
	}
	return run.Status.CompletionTime.Add(ttl).Sub(w.now), true
}

func runExpired(run *v1alpha1.ForecastRun, w *world) bool {
	left, ok := runTTLLeft(run, w)
	return ok && left <= 0
}

// jobExpired reports whether a finished run's finished Job has been kept
// for the manager's --job-ttl since the run recorded its end, so that
// people can read its Pods' logs in the meantime.
func jobExpired(run *v1alpha1.ForecastRun, w *world) bool {
	left, ok := jobTTLLeft(run, w)
	return ok && left <= 0
}

// jobTTLLeft is how long a finished run's finished Job is still kept.
func jobTTLLeft(run *v1alpha1.ForecastRun, w *world) (time.Duration, bool) {
	if w.job == nil || jobUnfinished(w.job) || !w.job.DeletionTimestamp.IsZero() || run.Status.CompletionTime == nil {
		return 0, false
	}
	return run.Status.CompletionTime.Add(w.cfg.JobTTL + storedTimeSlack).Sub(w.now), true
}

// stopActions delete the run's Job if it has not finished and is not
// being deleted yet, and, when the run holds its lock, keep the hold while
// anything of the run may still execute (renewing it when due) and
// release it, under token when one is given, once nothing does.
func stopActions(w *world, holds bool, token, why string) []action {
	var acts []action
	if jobUnfinished(w.job) && w.job.DeletionTimestamp.IsZero() {
		acts = append(acts, action{kind: actDeleteJob, job: w.job.Name, why: why})
	}
	switch {
	case !holds:
	case w.stillExecuting():
		if renewDue(w.lock.lease, w.cfg, w.now) {
			acts = append(acts, action{kind: actRenewLock})
		}
	default:
		acts = append(acts, action{kind: actReleaseLock, token: token, why: why})
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
