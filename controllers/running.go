package controllers

import (
	"context"
	"fmt"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// admit makes the run the lock's holder and moves it to Running. The Job is
// created by the next pass, once this status (with the fencing token) is
// written: a pass that acted on an outdated view of the run loses the
// status write and so never reaches Job creation.
func (r *Reconciler) admit(ctx context.Context, run *v1alpha1.ForecastRun, st *statusUpdate, lease *coordinationv1.Lease, d lockDecision) error {
	if d.state != lockMine {
		var err error
		if lease, err = r.acquireLock(ctx, run, lease); err != nil {
			return err
		}
		log.FromContext(ctx).Info("acquired lock", "lock", lease.Name, "transitions", *lease.Spec.LeaseTransitions)
	}
	if d.state == lockStale {
		lockTakeovers.WithLabelValues(run.Namespace, lease.Name).Inc()
		st.event(corev1.EventTypeWarning, "LockTakenOver", "Admit", "took lock %s over: %s", lease.Name, d.reason)
	}
	now := metav1.NewTime(r.Clock.Now())
	if run.Status.StartTime == nil {
		run.Status.StartTime = &now
		wait := now.Sub(run.CreationTimestamp.Time).Seconds()
		st.onWritten(func() { queueWait.WithLabelValues(run.Namespace, run.Spec.LockName).Observe(wait) })
	}
	run.Status.AdmittedAt, run.Status.FencingToken = &now, fencingToken(lease, run.UID)
	run.Status.QueuePosition, run.Status.LockHolder, run.Status.JobName = nil, nil, jobName(run)
	if meta.IsStatusConditionTrue(run.Status.Conditions, v1alpha1.ConditionPreempted) {
		setCondition(run, v1alpha1.ConditionPreempted, metav1.ConditionFalse, v1alpha1.ReasonResumed, "holds the lock again; resuming from checkpoints", now)
	}
	msg := fmt.Sprintf("holds lock %s; starting runner Job %s", lease.Name, run.Status.JobName)
	setCondition(run, v1alpha1.ConditionAdmitted, metav1.ConditionTrue, v1alpha1.ReasonLockAcquired, msg, now)
	setCondition(run, v1alpha1.ConditionRunning, metav1.ConditionFalse, v1alpha1.ReasonCreatingJob, msg, now)
	r.setPhase(run, st, v1alpha1.PhaseRunning, v1alpha1.ReasonLockAcquired, msg)
	return nil
}

// reconcileRunning looks after a run that holds its lock: it keeps the Job
// in place, follows it to the end, enforces the timeout, yields to an Urgent
// run, sums progress and renews the Lease.
func (r *Reconciler) reconcileRunning(ctx context.Context, run *v1alpha1.ForecastRun, st *statusUpdate) (ctrl.Result, error) {
	job, err := getJob(ctx, r.Client, run)
	if err != nil {
		return ctrl.Result{}, err
	}
	// A finished Job ends the run even when the lock is already released: a
	// pass may have released it and then lost its status write.
	if cond, done := jobOutcome(job); done {
		return ctrl.Result{}, r.finishFromJob(ctx, run, st, job, cond)
	}
	lease, held, err := r.holdsLock(ctx, run, false)
	if err != nil || !held {
		return ctrl.Result{}, r.lostLock(ctx, run, st, lease, err)
	}
	if job == nil {
		return r.startJob(ctx, run, st)
	}
	if r.timedOut(run) {
		return ctrl.Result{}, r.failTimeout(ctx, run, st)
	}
	if urgent, err := r.preemptor(ctx, run); err != nil || urgent != nil {
		return ctrl.Result{}, r.yieldTo(ctx, run, st, urgent, err)
	}
	r.observeProgress(ctx, run, st)
	if err := r.renewLock(ctx, lease); err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{RequeueAfter: r.runningRequeue(run)}, nil
}

// startJob creates the Job after confirming, on a fresh read, that the run
// still holds the lock under the token in its status; the cache alone could
// show a hold that has already ended.
func (r *Reconciler) startJob(ctx context.Context, run *v1alpha1.ForecastRun, st *statusUpdate) (ctrl.Result, error) {
	lease, held, err := r.holdsLock(ctx, run, true)
	if err != nil || !held {
		return ctrl.Result{}, r.lostLock(ctx, run, st, lease, err)
	}
	if err := r.createRunnerJob(ctx, run); err != nil {
		return ctrl.Result{}, err
	}
	log.FromContext(ctx).Info("created runner job", "job", jobName(run), "token", run.Status.FencingToken)
	now := metav1.NewTime(r.Clock.Now())
	msg := fmt.Sprintf("runner Job %s started; holds lock %s", jobName(run), run.Spec.LockName)
	setCondition(run, v1alpha1.ConditionRunning, metav1.ConditionTrue, v1alpha1.ReasonJobRunning, msg, now)
	run.Status.Message = msg
	if run.Status.ETA == "" {
		run.Status.ETA = r.historicalETA(ctx, run)
	}
	st.event(corev1.EventTypeNormal, v1alpha1.ReasonJobRunning, "CreateJob", "%s", msg)
	return ctrl.Result{RequeueAfter: r.runningRequeue(run)}, nil
}

// runningRequeue wakes a running run to renew its Lease at a third of the
// duration, or at its timeout when that is sooner.
func (r *Reconciler) runningRequeue(run *v1alpha1.ForecastRun) time.Duration {
	next := r.Config.LeaseDuration / 3
	if left, ok := r.timeLeft(run); ok && left+100*time.Millisecond < next {
		next = left + 100*time.Millisecond
	}
	return next
}

// finishFromJob ends the run as its Job ended and releases the lock first,
// so that a failed status write can never keep the lock held.
func (r *Reconciler) finishFromJob(ctx context.Context, run *v1alpha1.ForecastRun, st *statusUpdate, job *batchv1.Job, cond *batchv1.JobCondition) error {
	log.FromContext(ctx).Info("runner job finished", "job", job.Name, "condition", cond.Type, "reason", cond.Reason, "message", cond.Message)
	if err := r.releaseLock(ctx, run, "the runner Job has finished"); err != nil {
		return err
	}
	r.observeProgress(ctx, run, st)
	run.Status.ETA = ""
	if cond.Type == batchv1.JobComplete {
		r.setPhase(run, st, v1alpha1.PhaseSucceeded, v1alpha1.ReasonJobSucceeded, succeededMessage(run, job))
	} else {
		reason := v1alpha1.ReasonJobFailed
		if cond.Reason == batchv1.JobReasonDeadlineExceeded {
			reason = v1alpha1.ReasonTimeout
		}
		r.setPhase(run, st, v1alpha1.PhaseFailed, reason, failedMessage(run, job, cond))
	}
	r.observeDuration(run, st)
	return nil
}

// failedMessage leads with the runner's own error when a shard of the
// current hold reported one (it names the file, line and column of a bad
// dataset), and adds the Job's condition.
func failedMessage(run *v1alpha1.ForecastRun, job *batchv1.Job, cond *batchv1.JobCondition) string {
	jobPart := fmt.Sprintf("runner Job %s failed: %s: %s", job.Name, cond.Reason, cond.Message)
	for _, sh := range run.Status.Shards {
		if sh.FencingToken == run.Status.FencingToken && strings.HasPrefix(sh.Message, "failed: ") {
			return fmt.Sprintf("shard %d %s (%s)", sh.Index, sh.Message, jobPart)
		}
	}
	return jobPart
}

func succeededMessage(run *v1alpha1.ForecastRun, job *batchv1.Job) string {
	if res := run.Status.Result; res != nil {
		return fmt.Sprintf("succeeded: %d items forecast (%d fell back to naive)", res.ItemsForecast, res.ItemsFailed)
	}
	return fmt.Sprintf("succeeded: runner Job %s completed", job.Name)
}

// observeProgress sums the shards into progress, estimates the time left
// and says so in the message.
func (r *Reconciler) observeProgress(ctx context.Context, run *v1alpha1.ForecastRun, st *statusUpdate) {
	applyShardProgress(run)
	p := run.Status.Progress
	if p == nil || p.ItemsDone == 0 || run.Status.AdmittedAt == nil || p.UpdatedAt == nil {
		return
	}
	// Both times are stored in whole seconds; a report in the second of
	// admission still took some time.
	elapsed := max(p.UpdatedAt.Sub(run.Status.AdmittedAt.Time), time.Second)
	if eta, ok := etaFromThroughput(p.ItemsDone, p.ItemsTotal, elapsed); ok {
		run.Status.ETA = formatETA(eta)
	}
	run.Status.Message = fmt.Sprintf("running: %s of items (%s), ETA %s; holds lock %s", p.PercentText, p.Items, run.Status.ETA, run.Spec.LockName)
}
