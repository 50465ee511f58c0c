package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// orderQueue returns runs in the order they are admitted.
func orderQueue(runs []v1alpha1.ForecastRun) []v1alpha1.ForecastRun {
	out := slices.Clone(runs)
	slices.SortFunc(out, func(a, b v1alpha1.ForecastRun) int { return v1alpha1.QueueOrder(&a, &b) })
	return out
}

// queueOf is the ordered queue of run's lock with run in it.
func (r *Reconciler) queueOf(ctx context.Context, run *v1alpha1.ForecastRun) ([]v1alpha1.ForecastRun, error) {
	runs, err := r.runsOfLock(ctx, run.Namespace, run.Spec.LockName)
	if err != nil {
		return nil, err
	}
	queue := []v1alpha1.ForecastRun{*run}
	for i := range runs {
		if runs[i].Name != run.Name && runs[i].Waiting() {
			queue = append(queue, runs[i])
		}
	}
	return orderQueue(queue), nil
}

// position is run's 1-based place in an ordered queue.
func position(queue []v1alpha1.ForecastRun, name string) int32 {
	return int32(slices.IndexFunc(queue, func(q v1alpha1.ForecastRun) bool { return q.Name == name }) + 1)
}

// reconcileWaiting handles a run that does not hold its lock yet: it times
// out, joins an identical run, is admitted, refused, or waits in the queue.
func (r *Reconciler) reconcileWaiting(ctx context.Context, run *v1alpha1.ForecastRun, st *statusUpdate) (ctrl.Result, error) {
	lease, d, err := r.inspectLock(ctx, run)
	if err != nil {
		return ctrl.Result{}, err
	}
	// Holding the lock already (a pass acquired it but lost its status
	// write) goes straight to admission: the hold is finished, not dropped.
	if d.state == lockMine {
		return ctrl.Result{}, r.admit(ctx, run, st, lease, d)
	}
	if r.queueTimedOut(run) {
		return ctrl.Result{}, r.failQueueTimeout(ctx, run, st)
	}
	if joined, err := r.joinDuplicate(ctx, run, st); joined || err != nil {
		return ctrl.Result{}, err
	}
	queue, err := r.queueOf(ctx, run)
	if err != nil {
		return ctrl.Result{}, err
	}
	if (d.state == lockFree || d.state == lockStale) && queue[0].Name == run.Name {
		return ctrl.Result{}, r.admit(ctx, run, st, lease, d)
	}
	if run.Spec.WhenBusy == v1alpha1.BusyReject {
		r.reject(ctx, run, st, lease, queue)
		return ctrl.Result{}, nil
	}
	r.enqueue(ctx, run, st, lease, queue)
	return ctrl.Result{RequeueAfter: r.waitingRequeue(run, lease, d)}, nil
}

// waitingRequeue is when a waiting run must look again without a watch
// event: when its queue timeout expires, or when a silent Lease turns stale.
func (r *Reconciler) waitingRequeue(run *v1alpha1.ForecastRun, lease *coordinationv1.Lease, d lockDecision) time.Duration {
	var next time.Duration
	if d.state == lockHeld {
		if in := leaseExpiresIn(lease, r.Clock.Now()); in > 0 {
			next = in + 100*time.Millisecond
		}
	}
	if left, ok := r.queueTimeLeft(run); ok && (next == 0 || left < next) {
		next = left + 100*time.Millisecond
	}
	return next
}

// enqueue records the run as Queued with its position and who holds the
// lock, in words a person understands.
func (r *Reconciler) enqueue(ctx context.Context, run *v1alpha1.ForecastRun, st *statusUpdate, lease *coordinationv1.Lease, queue []v1alpha1.ForecastRun) {
	holder := r.describeHolder(ctx, run.Namespace, lease)
	pos := position(queue, run.Name)
	msg := fmt.Sprintf("waiting for lock %s %s; position %d of %d", run.Spec.LockName, holderPhrase(holder), pos, len(queue))
	run.Status.QueuePosition, run.Status.LockHolder = &pos, holder
	if run.Status.ETA == "" {
		run.Status.ETA = r.historicalETA(ctx, run)
	}
	setCondition(run, v1alpha1.ConditionAdmitted, metav1.ConditionFalse, v1alpha1.ReasonWaitingForLock, msg, metav1.NewTime(r.Clock.Now()))
	r.setPhase(run, st, v1alpha1.PhaseQueued, v1alpha1.ReasonWaitingForLock, msg)
}

// reject ends a whenBusy=Reject run that cannot have the lock now.
func (r *Reconciler) reject(ctx context.Context, run *v1alpha1.ForecastRun, st *statusUpdate, lease *coordinationv1.Lease, queue []v1alpha1.ForecastRun) {
	holder := r.describeHolder(ctx, run.Namespace, lease)
	msg := fmt.Sprintf("rejected: lock %s %s and whenBusy is Reject", run.Spec.LockName, holderPhrase(holder))
	if holder == nil {
		msg = fmt.Sprintf("rejected: lock %s is free but %s is first in its queue and whenBusy is Reject", run.Spec.LockName, queue[0].Name)
	}
	run.Status.LockHolder = holder
	setCondition(run, v1alpha1.ConditionAdmitted, metav1.ConditionFalse, v1alpha1.ReasonRejected, msg, metav1.NewTime(r.Clock.Now()))
	r.setPhase(run, st, v1alpha1.PhaseRejected, v1alpha1.ReasonRejected, msg)
}

// describeHolder reports the lock's holder and how far it has got; nil when
// the lock is free.
func (r *Reconciler) describeHolder(ctx context.Context, ns string, lease *coordinationv1.Lease) *v1alpha1.LockHolder {
	id := leaseHolder(lease)
	if id == "" {
		return nil
	}
	name, _, ok := parseHolder(id)
	if !ok {
		return &v1alpha1.LockHolder{Name: id}
	}
	var holder v1alpha1.ForecastRun
	if err := r.Get(ctx, keyOf(ns, name), &holder); err != nil {
		return &v1alpha1.LockHolder{Name: name}
	}
	lh := &v1alpha1.LockHolder{Name: name, Phase: holder.Status.Phase, ETA: holder.Status.ETA}
	if holder.Status.Progress != nil {
		lh.Percent = holder.Status.Progress.Percent
	}
	return lh
}

// holderPhrase is "held by nightly-full (Running, 42%, ETA 2m10s)".
func holderPhrase(h *v1alpha1.LockHolder) string {
	if h == nil {
		return "is free"
	}
	if h.Phase == "" {
		return "held by " + h.Name
	}
	details := []string{string(h.Phase), fmt.Sprintf("%d%%", h.Percent)}
	if h.ETA != "" {
		details = append(details, "ETA "+h.ETA)
	}
	return fmt.Sprintf("held by %s (%s)", h.Name, strings.Join(details, ", "))
}
