package controllers

import (
	"fmt"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/runprogress"
)

// running decides for a run that holds its lock: its Job's outcome ends
// it, a lost lock or an Urgent run sends it back to the queue, its timeout
// fails it; otherwise it follows the Job's progress.
func (p *pass) running() {
	run, w := p.run, p.w
	if cond, done := jobOutcome(w.job); done {
		p.finishFromJob(cond)
		return
	}
	if w.job == nil && jobSeen(run) {
		p.failJobDeleted()
		return
	}
	if p.timedOut() {
		p.failTimeout()
		return
	}
	if !w.lock.heldAsRecorded(run) {
		p.lostLock()
		return
	}
	if w.job == nil {
		p.awaitJob()
		return
	}
	if w.preemptor != nil {
		p.yieldTo(w.preemptor)
		return
	}
	p.observeProgress()
	if failed := p.followStartup(); !failed && p.progressStalled() {
		p.failStalled()
	}
	p.noteRetries()
	p.wakeIn(p.runningRequeue())
}

// runningActions keep a running run's Job in place and its Lease renewed.
func runningActions(run *v1alpha1.ForecastRun, w *world) []action {
	if w.stage != stageRunning || !w.lock.heldAsRecorded(run) {
		return nil
	}
	if w.job == nil && w.childConflict == "" && w.jobRefusal.message == "" {
		return guardedByFinalizer(run, action{kind: actCreateJob, job: run.Status.JobName})
	}
	if renewDue(w.lock.lease, w.cfg, w.now) {
		return guardedByFinalizer(run, action{kind: actRenewLock})
	}
	return nil
}

// admit records that the run holds its lock, under the fencing token of the
// Lease it acquired, and moves it to Running. Its Job is created by the
// next pass, from this record.
func (p *pass) admit() {
	run, lease := p.run, p.w.lock.lease
	now := p.now()
	if run.Status.StartTime == nil {
		run.Status.StartTime = &now
		wait := now.Sub(run.CreationTimestamp.Time).Seconds()
		ns, lock := run.Namespace, run.Spec.LockName
		p.onWritten(func() { queueWait.WithLabelValues(ns, lock).Observe(wait) })
	}
	run.Status.AdmittedAt, run.Status.FencingToken = &now, fencingToken(lease, run.UID)
	// What the result will be computed from and by, for spec.reuse.
	run.Status.DataVersion, run.Status.RunnerImage = p.w.dataVersion, p.w.cfg.RunnerImage
	run.Status.QueuePosition, run.Status.LockHolder, run.Status.JobName = nil, nil, jobName(run)
	if meta.IsStatusConditionTrue(run.Status.Conditions, v1alpha1.ConditionPreempted) {
		setCondition(run, v1alpha1.ConditionPreempted, metav1.ConditionFalse, v1alpha1.ReasonResumed, "holds the lock again; resuming from checkpoints", now)
	}
	msg := fmt.Sprintf("holds lock %s; starting runner Job %s", lease.Name, run.Status.JobName)
	setCondition(run, v1alpha1.ConditionAdmitted, metav1.ConditionTrue, v1alpha1.ReasonLockAcquired, msg, now)
	setCondition(run, v1alpha1.ConditionRunning, metav1.ConditionFalse, v1alpha1.ReasonCreatingJob, msg, now)
	p.setPhase(v1alpha1.PhaseRunning, v1alpha1.ReasonLockAcquired, msg)
}

// awaitJob decides for a run whose Job does not exist yet: it is created
// after this pass unless a child of another owner is in the way, or the
// API server would refuse it (for good: the run fails; for now: the run
// says why and tries again).
func (p *pass) awaitJob() {
	w := p.w
	switch {
	case w.childConflict != "":
		p.recordChildConflict()
	case w.jobRefusal.permanent:
		p.setPhase(v1alpha1.PhaseFailed, v1alpha1.ReasonJobRefused,
			fmt.Sprintf("the API server refuses runner Job %s: %s", p.run.Status.JobName, w.jobRefusal.message))
		p.observeDuration()
		return
	case w.jobRefusal.message != "":
		msg := fmt.Sprintf("cannot create runner Job %s yet: %s", p.run.Status.JobName, w.jobRefusal.message)
		setCondition(p.run, v1alpha1.ConditionRunning, metav1.ConditionFalse, v1alpha1.ReasonCreatingJob, msg, p.now())
		p.run.Status.Message = msg
	}
	p.wakeIn(p.runningRequeue())
}

// recordChildConflict says, in the Running condition and once in an event,
// that an object the run needs is someone else's and that it waits for it
// to go.
func (p *pass) recordChildConflict() {
	run := p.run
	msg := p.w.childConflict + "; waiting for it to go before creating the runner Job"
	if c := meta.FindStatusCondition(run.Status.Conditions, v1alpha1.ConditionRunning); c == nil || c.Reason != v1alpha1.ReasonChildConflict {
		p.event(corev1.EventTypeWarning, v1alpha1.ReasonChildConflict, "CreateJob", "%s", msg)
	}
	setCondition(run, v1alpha1.ConditionRunning, metav1.ConditionFalse, v1alpha1.ReasonChildConflict, msg, p.now())
	run.Status.Message = msg
}

// jobSeen reports whether the run recorded that its current hold's Job
// exists: from then on, a missing Job was deleted, not yet to be created.
func jobSeen(run *v1alpha1.ForecastRun) bool {
	c := meta.FindStatusCondition(run.Status.Conditions, v1alpha1.ConditionRunning)
	return c != nil && (c.Reason == v1alpha1.ReasonWaitingForPods || c.Reason == v1alpha1.ReasonJobSuspended || c.Reason == v1alpha1.ReasonJobRunning)
}

// podsStarted reports whether the run recorded that every runner Pod of its
// current hold has started.
func podsStarted(run *v1alpha1.ForecastRun) bool {
	c := meta.FindStatusCondition(run.Status.Conditions, v1alpha1.ConditionRunning)
	return c != nil && c.Status == metav1.ConditionTrue && c.Reason == v1alpha1.ReasonJobRunning
}

// failJobDeleted ends a run whose Job someone deleted before it finished.
// Executing it again in a new Job would surprise whoever deleted the Job,
// and repeat a run that may well have been nearly done.
func (p *pass) failJobDeleted() {
	p.setPhase(v1alpha1.PhaseFailed, v1alpha1.ReasonJobDeleted, fmt.Sprintf(
		"runner Job %s was deleted before it finished; the run is not started again (kubectl forecast rerun %s starts a new one)",
		p.run.Status.JobName, p.run.Name))
	p.observeDuration()
}

// runningRequeue wakes a running run to renew its Lease at a third of the
// duration, or at its next deadline when that is sooner.
func (p *pass) runningRequeue() time.Duration {
	next := p.w.cfg.LeaseDuration / 3
	for _, deadline := range []func(*v1alpha1.ForecastRun, *world) (time.Duration, bool){timeLeftOf, startupLeft, progressLeft} {
		if left, ok := deadline(p.run, p.w); ok && left+100*time.Millisecond < next {
			next = max(left, 0) + 100*time.Millisecond
		}
	}
	return next
}

// finishFromJob ends the run as its Job ended.
func (p *pass) finishFromJob(cond *batchv1.JobCondition) {
	run, job := p.run, p.w.job
	p.observeProgress()
	if res := run.Status.Result; res != nil && (res.FencingToken == "" || res.FencingToken != run.Status.FencingToken) {
		run.Status.Result = nil // another execution's, not this one's
	}
	if res := run.Status.Result; res != nil && run.Status.DataVersion == "" {
		// A URL, claim file or object: known by what the runner read.
		run.Status.DataVersion = res.DataDigest
	}
	if res := run.Status.Result; res != nil && res.ReusedFrom != "" && cond.Type == batchv1.JobComplete {
		p.finishReused(res.ReusedFrom)
		return
	}
	if cond.Type == batchv1.JobComplete {
		p.setPhase(v1alpha1.PhaseSucceeded, v1alpha1.ReasonJobSucceeded, succeededMessage(run, job))
	} else {
		reason := v1alpha1.ReasonJobFailed
		if cond.Reason == batchv1.JobReasonDeadlineExceeded {
			reason = v1alpha1.ReasonTimeout
		}
		p.setPhase(v1alpha1.PhaseFailed, reason, failedMessage(run, job, cond, p.w.jobPods))
	}
	p.observeDuration()
}

// failedMessage leads with the runner's own error when a shard of the
// current hold reported one (it names the file, line and column of a bad
// dataset), and adds the Job's condition; otherwise it says why the last
// runner Pod failed, as the kubelet reported it (OOMKilled, an exit code).
func failedMessage(run *v1alpha1.ForecastRun, job *batchv1.Job, cond *batchv1.JobCondition, pods []corev1.Pod) string {
	jobPart := fmt.Sprintf("runner Job %s failed: %s: %s", job.Name, cond.Reason, cond.Message)
	for _, sh := range run.Status.Shards {
		if sh.FencingToken == run.Status.FencingToken && strings.HasPrefix(sh.Message, "failed: ") {
			return fmt.Sprintf("shard %d %s (%s)", sh.Index, sh.Message, jobPart)
		}
	}
	if why := lastPodFailure(pods); why != "" {
		return why + " (" + jobPart + ")"
	}
	return jobPart
}

func succeededMessage(run *v1alpha1.ForecastRun, job *batchv1.Job) string {
	if res := run.Status.Result; res != nil {
		return fmt.Sprintf("succeeded: %d items forecast (%d fell back to naive)", res.ItemsForecast, res.ItemsFailed)
	}
	return fmt.Sprintf("succeeded: runner Job %s completed without reporting a result", job.Name)
}

// noteRetries adds to a running run's message that the Job replaced failed
// runner Pods, and why the last one failed: a run retrying after OOM kills
// says so while it retries.
func (p *pass) noteRetries() {
	job := p.w.job
	if job == nil || job.Status.Failed == 0 || p.run.Status.Phase != v1alpha1.PhaseRunning {
		return
	}
	why := lastPodFailure(p.w.jobPods)
	if why == "" {
		return
	}
	msg, _, _ := strings.Cut(p.run.Status.Message, runprogress.RetryNote)
	p.run.Status.Message = msg + fmt.Sprintf("%s%d failed runner Pod(s), the last: %s", runprogress.RetryNote, job.Status.Failed, why)
}

// observeProgress sums the shards into progress, estimates when the run
// completes and says so in the message. A runner that wrote the same
// summary with its report leaves nothing to write here.
func (p *pass) observeProgress() { runprogress.Summarize(p.run) }
