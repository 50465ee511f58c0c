package controllers

import (
	"cmp"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// A run that holds its lock must make use of it. Its runner Pods have
// spec.startupTimeout to start (an image that cannot be pulled, a Pod no
// node takes, a quota that refuses the Pods would otherwise hold the lock
// for as long as the Job exists), and once they run, its progress may not
// stand still for longer than spec.progressDeadline. Either fails the run,
// which then releases the lock.

// followStartup records where the startup of the run's Pods stands:
// every Pod started (Running True, once, with an event), the Job suspended
// by a queueing system, or what a Pod waits for. It fails the run when its
// startup timeout has passed, and reports whether it did.
func (p *pass) followStartup() (failed bool) {
	run, w := p.run, p.w
	if podsStarted(run) {
		return false
	}
	if run.Status.EstimatedDuration == nil {
		run.Status.EstimatedDuration = w.historicalDuration
	}
	if shards := max(run.Spec.Parallelism, 1); max(startedPods(w.jobPods, w.job), reportedShards(run)) >= shards {
		msg := fmt.Sprintf("runner Job %s is running; holds lock %s", run.Status.JobName, run.Spec.LockName)
		setCondition(run, v1alpha1.ConditionRunning, metav1.ConditionTrue, v1alpha1.ReasonJobRunning, msg, p.now())
		p.event(corev1.EventTypeNormal, v1alpha1.ReasonJobRunning, "StartPods", "%s", msg)
		if run.Status.Progress == nil {
			run.Status.Message = msg
		}
		return false
	}
	if jobSuspended(w.job) {
		p.recordWaiting(v1alpha1.ReasonJobSuspended, fmt.Sprintf(
			"runner Job %s is suspended until a queueing system such as Kueue admits it; the startup timeout counts from then", run.Status.JobName))
		return false
	}
	reason, detail := p.startupHold()
	if left, ok := startupLeft(run, w); ok && left <= 0 {
		p.setPhase(v1alpha1.PhaseFailed, cmp.Or(reason, v1alpha1.ReasonStartupTimeout), fmt.Sprintf(
			"runner Pods did not start within startupTimeout %s: %s", startupTimeout(run, w.cfg), cmp.Or(detail, "no reason given")))
		p.observeDuration()
		return true
	}
	msg := fmt.Sprintf("runner Job %s is waiting for its Pods to start", run.Status.JobName)
	if detail != "" {
		msg += ": " + detail
	}
	p.recordWaiting(v1alpha1.ReasonWaitingForPods, msg)
	return false
}

// recordWaiting records why the run's Pods are not all running yet.
func (p *pass) recordWaiting(reason, msg string) {
	setCondition(p.run, v1alpha1.ConditionRunning, metav1.ConditionFalse, reason, msg, p.now())
	p.run.Status.Message = msg
}

// startupHold is the reason and description of what keeps the Pods from
// starting: a Pod's own reason, or, while the Job has no Pod, the Job
// controller's complaint that it cannot create one.
func (p *pass) startupHold() (reason, detail string) {
	if reason, msg, ok := whyNotStarted(p.w.jobPods); ok {
		return reason, msg
	}
	if len(p.w.jobPods) == 0 && p.w.failedCreate != "" {
		return "FailedCreate", "FailedCreate: " + p.w.failedCreate
	}
	return "", ""
}

// reportedShards counts the shards that reported under the current token:
// their runner started, whatever the Pods' status says.
func reportedShards(run *v1alpha1.ForecastRun) int32 {
	var n int32
	for _, s := range run.Status.Shards {
		if s.FencingToken != "" && s.FencingToken == run.Status.FencingToken {
			n++
		}
	}
	return n
}

func jobSuspended(job *batchv1.Job) bool { return ptr.Deref(job.Spec.Suspend, false) }

// startupTimeout is the run's startup timeout: its own, or the manager's
// default; 0 when there is none.
func startupTimeout(run *v1alpha1.ForecastRun, cfg Config) time.Duration {
	if run.Spec.StartupTimeout != nil {
		return run.Spec.StartupTimeout.Duration
	}
	return cfg.DefaultStartupTimeout
}

// startupLeft is the time the run's Pods still have to start, counted from
// its admission or from its Job's last resumption, whichever is later.
func startupLeft(run *v1alpha1.ForecastRun, w *world) (time.Duration, bool) {
	d := startupTimeout(run, w.cfg)
	if d <= 0 || run.Status.AdmittedAt == nil || podsStarted(run) || w.job == nil || jobSuspended(w.job) {
		return 0, false
	}
	from := run.Status.AdmittedAt.Time
	for _, c := range w.job.Status.Conditions {
		if c.Type == batchv1.JobSuspended && c.Status == corev1.ConditionFalse && c.LastTransitionTime.After(from) {
			from = c.LastTransitionTime.Time
		}
	}
	return from.Add(d + storedTimeSlack).Sub(w.now), true
}

// progressDeadline is the run's progress deadline: its own, or the
// manager's default; 0 when there is none.
func progressDeadline(run *v1alpha1.ForecastRun, cfg Config) time.Duration {
	if run.Spec.ProgressDeadline != nil {
		return run.Spec.ProgressDeadline.Duration
	}
	return cfg.DefaultProgressDeadline
}

// lastProgress is when the run's progress last moved: its latest report,
// or the start of its Pods when that is later.
func lastProgress(run *v1alpha1.ForecastRun) time.Time {
	var last time.Time
	if c := meta.FindStatusCondition(run.Status.Conditions, v1alpha1.ConditionRunning); c != nil {
		last = c.LastTransitionTime.Time
	}
	if pr := run.Status.Progress; pr != nil && pr.UpdatedAt != nil && pr.UpdatedAt.After(last) {
		last = pr.UpdatedAt.Time
	}
	return last
}

// progressLeft is how long the run's progress may still stand still.
func progressLeft(run *v1alpha1.ForecastRun, w *world) (time.Duration, bool) {
	d := progressDeadline(run, w.cfg)
	if d <= 0 || !podsStarted(run) {
		return 0, false
	}
	return lastProgress(run).Add(d + storedTimeSlack).Sub(w.now), true
}

func (p *pass) progressStalled() bool {
	left, ok := progressLeft(p.run, p.w)
	return ok && left <= 0
}

// failStalled ends a run whose progress stood still for its deadline.
func (p *pass) failStalled() {
	run := p.run
	last := "since its Pods started"
	if pr := run.Status.Progress; pr != nil && pr.UpdatedAt != nil {
		last = fmt.Sprintf("since its last report %q at %s", pr.Message, pr.UpdatedAt.UTC().Format(time.RFC3339))
	}
	p.setPhase(v1alpha1.PhaseFailed, v1alpha1.ReasonProgressDeadlineExceeded, fmt.Sprintf(
		"no progress for %s (progressDeadline) %s", progressDeadline(run, p.w.cfg), last))
	p.observeDuration()
}
