package controllers

import (
	"time"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// storedTimeSlack covers the truncation of stored times to whole seconds,
// so that a deadline never fires early.
const storedTimeSlack = time.Second

// timeLeft is the execution time left under spec.timeout, counted from the
// current admission.
func timeLeft(run *v1alpha1.ForecastRun, now time.Time) (time.Duration, bool) {
	if run.Spec.Timeout == nil || run.Status.AdmittedAt == nil {
		return 0, false
	}
	return run.Status.AdmittedAt.Add(run.Spec.Timeout.Duration + storedTimeSlack).Sub(now), true
}

func timeLeftOf(run *v1alpha1.ForecastRun, w *world) (time.Duration, bool) {
	return timeLeft(run, w.now)
}

func (p *pass) timedOut() bool {
	left, ok := timeLeft(p.run, p.w.now)
	return ok && left <= 0
}

// queueTimeLeft is the waiting time left under spec.queueTimeout, counted
// from creation; it applies until the run first starts, so a preempted run
// waiting again is not failed by it.
func queueTimeLeft(run *v1alpha1.ForecastRun, now time.Time) (time.Duration, bool) {
	if run.Spec.QueueTimeout == nil || run.Status.StartTime != nil {
		return 0, false
	}
	return run.CreationTimestamp.Add(run.Spec.QueueTimeout.Duration + storedTimeSlack).Sub(now), true
}

func (p *pass) queueTimedOut() bool {
	left, ok := queueTimeLeft(p.run, p.w.now)
	return ok && left <= 0
}
