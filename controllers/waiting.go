package controllers

import (
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// waiting decides for a run that does not hold its lock as its record
// says: it records a hold a pass acquired, times out, joins an identical
// run, is refused, or waits in the queue. Acquiring the lock is an action
// (waitingActions); the next pass records it.
func (p *pass) waiting() {
	run, w := p.run, p.w
	switch {
	case w.lock.heldUnrecorded(run):
		p.admit()
	case w.lock.heldAsRecorded(run):
		// A hold the run gave up (preempted) is let go of once its Job and
		// Pods are gone; their watch events wake the run, and it renews
		// the hold meanwhile.
		p.wakeIn(w.cfg.LeaseDuration / 3)
	case w.recordsDataVersion:
		p.recordDataVersion()
	case w.reusable != nil:
		p.reuse(w.reusable)
	case p.queueTimedOut():
		p.failQueueTimeout()
	case w.primary != nil:
		p.joinDuplicate(w.primary)
	case w.lock.state == lockForeign:
		p.failForeignLock()
	case w.outputClaim != nil && !sharedClaim(w.outputClaim):
		p.failOutputNotShared()
	case w.lock.takeable() && w.queue.head() && !w.stillExecuting():
		p.wakeIn(nextPassSoon) // acquired after this pass, recorded by the next
	case w.lock.takeable() && w.queue.head():
		p.awaitOwnExecution()
	case run.Spec.WhenBusy == v1alpha1.BusyReject:
		p.reject()
	default:
		p.enqueue()
		p.wakeIn(p.waitingRequeue())
	}
}

// waitingActions stop what a run that went back to the queue still has of
// its last hold (its Job, its lock), and acquire the lock for the head of
// the queue. A run that
// timed out, joined an identical run or was rejected in this pass is no
// longer waiting and gets other actions.
func waitingActions(run *v1alpha1.ForecastRun, w *world) []action {
	held := w.lock.heldAsRecorded(run)
	acts := stopActions(w, held, run.Status.FencingToken, "the run went back to the queue")
	if !held && w.stage == stageWaiting && w.lock.takeable() && w.queue.head() && !w.stillExecuting() && !w.recordsDataVersion {
		acts = append(acts, guardedByFinalizer(run, action{kind: actAcquireLock})...)
	}
	return acts
}

// waitingRequeue is when a waiting run must look again without a watch
// event: when its queue timeout expires, or when a silent Lease turns stale.
func (p *pass) waitingRequeue() time.Duration {
	var next time.Duration
	if p.w.lock.state == lockHeld {
		next = p.w.cfg.LeaseDuration / 3 // a silent holder still executing is looked at again
		if in := leaseExpiresIn(p.w.lock.lease, p.w.now); in > 0 {
			next = in + 100*time.Millisecond
		}
	}
	if left, ok := queueTimeLeft(p.run, p.w.now); ok && (next == 0 || left < next) {
		next = left + 100*time.Millisecond
	}
	return next
}

// enqueue records the run as Queued with its position and who holds the
// lock, in words a person understands. The message leaves out what changes
// without concerning the run (the holder's progress, the runs behind it),
// so that a queued run is rewritten only when its own place or the holder
// changes.
func (p *pass) enqueue() {
	run, q := p.run, p.w.queue
	pos := q.position
	msg := fmt.Sprintf("waiting for lock %s %s%s; position %d", run.Spec.LockName, holderPhrase(q.holder), p.holderStopping(), pos)
	run.Status.QueuePosition, run.Status.LockHolder = &pos, q.holder
	if run.Status.EstimatedDuration == nil {
		run.Status.EstimatedDuration = p.w.historicalDuration
	}
	setCondition(run, v1alpha1.ConditionAdmitted, metav1.ConditionFalse, v1alpha1.ReasonWaitingForLock, msg, p.now())
	p.setPhase(v1alpha1.PhaseQueued, v1alpha1.ReasonWaitingForLock, msg)
}

// reject ends a whenBusy=Reject run that cannot have the lock now.
func (p *pass) reject() {
	run, q := p.run, p.w.queue
	msg := fmt.Sprintf("rejected: lock %s %s%s and whenBusy is Reject", run.Spec.LockName, holderPhrase(q.holder), p.holderStopping())
	if q.holder == nil {
		msg = fmt.Sprintf("rejected: lock %s is free but %s is first in its queue and whenBusy is Reject", run.Spec.LockName, q.first)
	}
	run.Status.LockHolder = q.holder
	setCondition(run, v1alpha1.ConditionAdmitted, metav1.ConditionFalse, v1alpha1.ReasonRejected, msg, p.now())
	p.setPhase(v1alpha1.PhaseRejected, v1alpha1.ReasonRejected, msg)
}

// failForeignLock ends a run whose lockName names a Lease the operator did
// not create: using it would take part in another application's leader
// election, or take its lock over.
func (p *pass) failForeignLock() {
	run := p.run
	run.Status.QueuePosition, run.Status.LockHolder = nil, nil
	p.setPhase(v1alpha1.PhaseFailed, v1alpha1.ReasonLockNotOwned,
		fmt.Sprintf("refusing lock %s: %s; the run will not use or take over another application's Lease, choose another spec.lockName", run.Spec.LockName, p.w.lock.reason))
}

// holderStopping says, when the lock's holder no longer runs but something
// of it still executes, what the lock waits for.
func (p *pass) holderStopping() string {
	h, shown := p.w.lock.holder, p.w.queue.holder
	if !h.isRun || !h.executing() || (shown != nil && shown.Phase == v1alpha1.PhaseRunning) {
		return ""
	}
	return "; " + h.describe() + " before the lock passes"
}

// awaitOwnExecution keeps the head of the queue from taking a free lock
// while something of its own earlier hold still executes (its lock was
// taken over while its Pods were unreachable, say): a new hold would run
// beside it.
func (p *pass) awaitOwnExecution() {
	run := p.run
	msg := fmt.Sprintf("first in the queue of lock %s, but %s from its earlier hold before it may take the lock", run.Spec.LockName, p.w.execution.describe())
	pos := int32(1)
	run.Status.QueuePosition, run.Status.LockHolder = &pos, nil
	setCondition(run, v1alpha1.ConditionAdmitted, metav1.ConditionFalse, v1alpha1.ReasonWaitingForLock, msg, p.now())
	p.setPhase(v1alpha1.PhaseQueued, v1alpha1.ReasonWaitingForLock, msg)
	p.wakeIn(p.w.cfg.LeaseDuration / 3)
}

// sharedClaim reports whether Pods on several nodes can mount the claim at
// once: its access modes, as bound or else as requested, include
// ReadWriteMany.
func sharedClaim(pvc *corev1.PersistentVolumeClaim) bool {
	modes := pvc.Status.AccessModes
	if len(modes) == 0 {
		modes = pvc.Spec.AccessModes
	}
	return slices.Contains(modes, corev1.ReadWriteMany)
}

// failOutputNotShared refuses a sharded run whose output claim only one
// node can mount: the shards scheduled to other nodes would hang on
// Multi-Attach until the startup timeout.
func (p *pass) failOutputNotShared() {
	run, pvc := p.run, p.w.outputClaim
	modes := pvc.Status.AccessModes
	if len(modes) == 0 {
		modes = pvc.Spec.AccessModes
	}
	run.Status.QueuePosition, run.Status.LockHolder = nil, nil
	p.setPhase(v1alpha1.PhaseFailed, v1alpha1.ReasonOutputNotShared, fmt.Sprintf(
		"parallelism %d needs output claim %s to be ReadWriteMany, so that shards on different nodes can all mount it; it is %v: use parallelism 1 or a ReadWriteMany claim",
		run.Spec.Parallelism, pvc.Name, modes))
}
