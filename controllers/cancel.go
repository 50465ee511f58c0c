package controllers

import (
	"context"
	"fmt"
	"time"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// Ways a run ends before its Job does: cancellation, its execution timeout
// and its queue timeout. Each stops the Job and releases the lock before the
// status says so.

// cancel stops a queued or running run at the user's request.
func (r *Reconciler) cancel(ctx context.Context, run *v1alpha1.ForecastRun, st *statusUpdate) error {
	was := run.Status.Phase
	if err := r.stop(ctx, run); err != nil {
		return err
	}
	msg := "cancelled by spec.cancel"
	if was != "" {
		msg = fmt.Sprintf("cancelled by spec.cancel while %s", was)
	}
	r.setPhase(run, st, v1alpha1.PhaseCancelled, v1alpha1.ReasonCancelled, msg)
	return nil
}

// stop deletes the run's Job and releases its lock.
func (r *Reconciler) stop(ctx context.Context, run *v1alpha1.ForecastRun) error {
	if run.Status.DuplicateOf == "" {
		if err := r.deleteJob(ctx, run); err != nil {
			return err
		}
	}
	run.Status.QueuePosition, run.Status.LockHolder = nil, nil
	return r.releaseLock(ctx, run, "stopping the run")
}

// storedTimeSlack covers the truncation of stored times to whole seconds,
// so that a timeout never fires early.
const storedTimeSlack = time.Second

// timeLeft is the execution time left under spec.timeout, counted from the
// current admission.
func (r *Reconciler) timeLeft(run *v1alpha1.ForecastRun) (time.Duration, bool) {
	if run.Spec.Timeout == nil || run.Status.AdmittedAt == nil {
		return 0, false
	}
	return run.Status.AdmittedAt.Add(run.Spec.Timeout.Duration + storedTimeSlack).Sub(r.Clock.Now()), true
}

func (r *Reconciler) timedOut(run *v1alpha1.ForecastRun) bool {
	left, ok := r.timeLeft(run)
	return ok && left <= 0
}

// failTimeout ends a run that ran longer than spec.timeout. The Job's own
// activeDeadlineSeconds normally ends it first; this covers a Job that is
// stuck without Pods, where the deadline is not enforced by anyone else.
func (r *Reconciler) failTimeout(ctx context.Context, run *v1alpha1.ForecastRun, st *statusUpdate) error {
	if err := r.stop(ctx, run); err != nil {
		return err
	}
	r.setPhase(run, st, v1alpha1.PhaseFailed, v1alpha1.ReasonTimeout,
		fmt.Sprintf("timed out: still running after timeout %s", run.Spec.Timeout.Duration))
	r.observeDuration(run, st)
	return nil
}

// queueTimeLeft is the waiting time left under spec.queueTimeout, counted
// from creation; it applies until the run first starts, so a preempted run
// waiting again is not failed by it.
func (r *Reconciler) queueTimeLeft(run *v1alpha1.ForecastRun) (time.Duration, bool) {
	if run.Spec.QueueTimeout == nil || run.Status.StartTime != nil {
		return 0, false
	}
	return run.CreationTimestamp.Add(run.Spec.QueueTimeout.Duration + storedTimeSlack).Sub(r.Clock.Now()), true
}

func (r *Reconciler) queueTimedOut(run *v1alpha1.ForecastRun) bool {
	left, ok := r.queueTimeLeft(run)
	return ok && left <= 0
}

// failQueueTimeout ends a run that waited longer than spec.queueTimeout.
func (r *Reconciler) failQueueTimeout(ctx context.Context, run *v1alpha1.ForecastRun, st *statusUpdate) error {
	holder := run.Status.LockHolder
	if err := r.stop(ctx, run); err != nil {
		return err
	}
	r.setPhase(run, st, v1alpha1.PhaseFailed, v1alpha1.ReasonQueueTimeout,
		fmt.Sprintf("waited longer than queueTimeout %s: lock %s %s", run.Spec.QueueTimeout.Duration, run.Spec.LockName, holderPhrase(holder)))
	return nil
}
