package controllers

import (
	"cmp"
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// Preemption is decided by the holder itself: when an Urgent run waits in
// the queue of its lock, a running Normal run stops its own Job, releases
// the lock and goes back to the queue. Each run thus writes only its own
// status and Job, and the Urgent run is admitted by the Lease release like
// any head of the queue. The holder's checkpoints let it resume later in a
// new Job named after its preemption count (see jobName).

// preemptingRun returns the run that makes holder yield: the first Urgent
// run waiting in the queue, when the holder is Normal. High runs wait.
func preemptingRun(holder *v1alpha1.ForecastRun, others []v1alpha1.ForecastRun) *v1alpha1.ForecastRun {
	if holder.Spec.Priority != v1alpha1.PriorityNormal && holder.Spec.Priority != "" {
		return nil
	}
	var first *v1alpha1.ForecastRun
	for i := range others {
		o := &others[i]
		if o.Name != holder.Name && o.Spec.Priority == v1alpha1.PriorityUrgent && o.Waiting() &&
			(first == nil || v1alpha1.QueueOrder(o, first) < 0) {
			first = o
		}
	}
	return first
}

// preemptor finds the Urgent run, if any, that the running run must yield
// to. Urgent runs head the queue, so only its head is read: a running run's
// pass, made on each of its progress reports, costs the same however many
// runs wait.
func (r *Reconciler) preemptor(ctx context.Context, run *v1alpha1.ForecastRun) (*v1alpha1.ForecastRun, error) {
	name := r.queues.urgentHead(run.Namespace, run.Spec.LockName)
	if name == "" {
		return nil, nil
	}
	var head v1alpha1.ForecastRun
	if err := r.Get(ctx, keyOf(run.Namespace, name), &head); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	return preemptingRun(run, []v1alpha1.ForecastRun{head}), nil
}

// yieldTo hands the lock to an Urgent run.
func (p *pass) yieldTo(urgent *v1alpha1.ForecastRun) {
	msg := fmt.Sprintf("preempted by Urgent run %s; back in the queue, will resume from checkpoints", urgent.Name)
	p.requeueHeld(v1alpha1.ReasonPreemptedUrgent, msg)
}

// lostLock handles a running run whose lock was taken over (its hold went
// stale): the same as a preemption, so its Job stops and it resumes later.
func (p *pass) lostLock() {
	run, lease := p.run, p.w.lock.lease
	holder := "nobody"
	if lease != nil {
		holder = cmp.Or(leaseHolder(lease), holder)
	}
	msg := fmt.Sprintf("lost lock %s (now held by %s); back in the queue, will resume from checkpoints", run.Spec.LockName, holder)
	p.requeueHeld(v1alpha1.ReasonLockLost, msg)
}

// requeueHeld records the end of the run's current hold: the run is queued
// again with one more preemption, which also gives its next Job a new name.
// Its Job, still named in status.jobName, is stopped and the hold released
// by the waiting run's actions, after this is recorded.
func (p *pass) requeueHeld(reason, msg string) {
	run := p.run
	now := p.now()
	run.Status.Preemptions++
	run.Status.EstimatedCompletionTime = nil
	setCondition(run, v1alpha1.ConditionPreempted, metav1.ConditionTrue, reason, msg, now)
	setCondition(run, v1alpha1.ConditionRunning, metav1.ConditionFalse, reason, msg, now)
	setCondition(run, v1alpha1.ConditionAdmitted, metav1.ConditionFalse, reason, msg, now)
	p.setPhase(v1alpha1.PhaseQueued, reason, msg)
}
