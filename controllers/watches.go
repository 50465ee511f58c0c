package controllers

import (
	"cmp"
	"context"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlevent "sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// Field indexes on the cached runs, so that a change to one run or Lease
// finds the runs it concerns without scanning the namespace, and a pass
// finds identical runs and the history of a mode without hashing or
// reading every run: the informer computes each once per change of a run.
const (
	indexLockName    = "spec.lockName"
	indexDuplicateOf = "status.duplicateOf"
	indexIdentity    = "identity"
	indexSucceeded   = "succeededMode"
)

func addIndexes(ctx context.Context, indexer client.FieldIndexer) error {
	byLock := func(o client.Object) []string { return []string{o.(*v1alpha1.ForecastRun).Spec.LockName} }
	byPrimary := func(o client.Object) []string {
		if p := o.(*v1alpha1.ForecastRun).Status.DuplicateOf; p != "" {
			return []string{p}
		}
		return nil
	}
	byIdentity := func(o client.Object) []string { return []string{identityHash(o.(*v1alpha1.ForecastRun))} }
	// Succeeded runs that executed themselves, by mode: what
	// historicalDuration estimates from.
	bySucceededMode := func(o client.Object) []string {
		if run := o.(*v1alpha1.ForecastRun); run.Status.Phase == v1alpha1.PhaseSucceeded && run.Status.DuplicateOf == "" {
			return []string{string(run.Spec.Mode)}
		}
		return nil
	}
	for _, ix := range []struct {
		field string
		f     client.IndexerFunc
	}{{indexLockName, byLock}, {indexDuplicateOf, byPrimary}, {indexIdentity, byIdentity}, {indexSucceeded, bySucceededMode}} {
		if err := indexer.IndexField(ctx, &v1alpha1.ForecastRun{}, ix.field, ix.f); err != nil {
			return fmt.Errorf("indexing runs by %s: %w", ix.field, err)
		}
	}
	return nil
}

// CacheOptions limits the manager's Job, Pod and Lease caches to the
// objects this operator creates; other Jobs and Leases in the cluster
// (every node's heartbeat Lease, every controller's leader election) are of
// no interest to it and would only cost memory and watch traffic. The
// cache also drops every object's managedFields, which nothing here reads
// and which, with a field manager per runner shard, can outweigh the rest
// of a run.
func CacheOptions() cache.Options {
	sel := labels.SelectorFromSet(labels.Set{labelManagedBy: managerName})
	return cache.Options{
		DefaultTransform: cache.TransformStripManagedFields(),
		ByObject: map[client.Object]cache.ByObject{
			&batchv1.Job{}:          {Label: sel},
			&corev1.Pod{}:           {Label: sel},
			&coordinationv1.Lease{}: {Label: sel},
		},
	}
}

// runOfPod maps a runner Pod's change to its run: a Pod that terminates or
// goes may be what the run waits for before it lets go of its lock.
func runOfPod(_ context.Context, o client.Object) []reconcile.Request {
	name := o.GetLabels()[labelRun]
	if name == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: o.GetNamespace(), Name: name}}}
}

// runChanges maps a change of one run to the other runs that show or
// decide something from it, and only when that something changed. A
// holder's progress step thus wakes its duplicates, which mirror it, and
// no queued run: they show who holds the lock, not how far it has got.
//
//   - Its place in a queue: the runs whose position it moved, and the
//     running runs of its lock when it is an Urgent arrival (preemption).
//   - Its phase, when it is or was running: every unfinished run of its
//     lock, which name it as the holder (or will take the lock from it).
//   - Its identity, or whether it can be shared: the identical runs, which
//     may join it or stand on their own again.
//   - Anything: its duplicates, which mirror its progress and result.
func (r *Reconciler) runChanges() handler.TypedEventHandler[client.Object, reconcile.Request] {
	wake := func(ctx context.Context, old, updated client.Object, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
		o, _ := old.(*v1alpha1.ForecastRun)
		u, _ := updated.(*v1alpha1.ForecastRun)
		for _, req := range r.relatedToRun(ctx, o, u) {
			q.Add(req)
		}
	}
	return handler.TypedFuncs[client.Object, reconcile.Request]{
		CreateFunc: func(ctx context.Context, e ctrlevent.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			wake(ctx, nil, e.Object, q)
		},
		UpdateFunc: func(ctx context.Context, e ctrlevent.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			wake(ctx, e.ObjectOld, e.ObjectNew, q)
		},
		DeleteFunc: func(ctx context.Context, e ctrlevent.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			wake(ctx, e.Object, nil, q)
		},
		GenericFunc: func(ctx context.Context, e ctrlevent.GenericEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			wake(ctx, nil, e.Object, q)
		},
	}
}

// relatedToRun is what runChanges wakes for a change of a run from old to
// updated (old nil for a new run, updated nil for a deleted one). It also
// keeps the queue index current.
func (r *Reconciler) relatedToRun(ctx context.Context, old, updated *v1alpha1.ForecastRun) []reconcile.Request {
	run := cmp.Or(updated, old)
	if run == nil {
		return nil
	}
	woken := r.queues.observe(old, updated)
	var related []v1alpha1.ForecastRun
	if holderChanged(old, updated) {
		related = append(related, r.listRuns(ctx, run.Namespace, indexLockName, run.Spec.LockName)...)
	}
	for _, hash := range changedIdentities(old, updated) {
		related = append(related, r.listRuns(ctx, run.Namespace, indexIdentity, hash)...)
	}
	related = append(related, r.listRuns(ctx, run.Namespace, indexDuplicateOf, run.Name)...)
	reqs := requestsFor(related, run.Name)
	for _, n := range woken {
		if n.Name != run.Name {
			reqs = append(reqs, reconcile.Request{NamespacedName: n})
		}
	}
	return reqs
}

// holderChanged reports whether a change concerns the runs of the lock as
// a holder's: a run that is or was running appeared, went, or changed phase.
func holderChanged(old, updated *v1alpha1.ForecastRun) bool {
	running := func(r *v1alpha1.ForecastRun) bool { return r != nil && r.Status.Phase == v1alpha1.PhaseRunning }
	if !running(old) && !running(updated) {
		return false
	}
	return old == nil || updated == nil || old.Status.Phase != updated.Status.Phase ||
		old.DeletionTimestamp.IsZero() != updated.DeletionTimestamp.IsZero() || old.Spec.Cancel != updated.Spec.Cancel
}

// changedIdentities are the identity hashes whose runs a change concerns:
// a run that appeared or went, changed its identity, or changed what
// pickPrimary reads (whether it can be shared, its phase, its place).
func changedIdentities(old, updated *v1alpha1.ForecastRun) []string {
	switch {
	case old == nil:
		return []string{identityHash(updated)}
	case updated == nil:
		return []string{identityHash(old)}
	}
	before, after := identityHash(old), identityHash(updated)
	if before != after {
		return []string{before, after}
	}
	if eligiblePrimary(old) != eligiblePrimary(updated) || old.Status.Phase != updated.Status.Phase || entryOf(old) != entryOf(updated) {
		return []string{after}
	}
	return nil
}

// leaseChanges maps a Lease change to the unfinished runs of that lock
// when it can change what they may do or show: it appeared or went, or its
// holder changed (a release, an acquisition, a takeover). A renewal only
// moves renewTime, which makes nothing takeable; the waiting runs that
// watch a silent holder's expiry look again by their own timers.
func (r *Reconciler) leaseChanges() handler.TypedEventHandler[client.Object, reconcile.Request] {
	wake := func(ctx context.Context, o client.Object, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
		for _, req := range requestsFor(r.listRuns(ctx, o.GetNamespace(), indexLockName, o.GetName()), "") {
			q.Add(req)
		}
	}
	return handler.TypedFuncs[client.Object, reconcile.Request]{
		CreateFunc: func(ctx context.Context, e ctrlevent.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			wake(ctx, e.Object, q)
		},
		UpdateFunc: func(ctx context.Context, e ctrlevent.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			if holderMoved(e.ObjectOld, e.ObjectNew) {
				wake(ctx, e.ObjectNew, q)
			}
		},
		DeleteFunc: func(ctx context.Context, e ctrlevent.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			wake(ctx, e.Object, q)
		},
		GenericFunc: func(ctx context.Context, e ctrlevent.GenericEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			wake(ctx, e.Object, q)
		},
	}
}

// holderMoved reports whether a Lease update did more than renew it.
func holderMoved(old, updated client.Object) bool {
	o, ok1 := old.(*coordinationv1.Lease)
	u, ok2 := updated.(*coordinationv1.Lease)
	if !ok1 || !ok2 {
		return true
	}
	return leaseHolder(o) != leaseHolder(u) || ptr.Deref(o.Spec.LeaseTransitions, 0) != ptr.Deref(u.Spec.LeaseTransitions, 0) ||
		ownedLease(o) != ownedLease(u) || o.UID != u.UID
}

// listRuns lists the cached runs of ns whose field index has value.
func (r *Reconciler) listRuns(ctx context.Context, ns, field, value string) []v1alpha1.ForecastRun {
	var list v1alpha1.ForecastRunList
	if err := r.List(ctx, &list, client.InNamespace(ns), client.MatchingFields{field: value}); err != nil {
		log.FromContext(ctx).Error(err, "listing runs to requeue", "field", field, "value", value)
		return nil
	}
	return list.Items
}

// runsOfLock lists the cached runs of a lock that have not finished.
func (r *Reconciler) runsOfLock(ctx context.Context, ns, lock string) ([]v1alpha1.ForecastRun, error) {
	var list v1alpha1.ForecastRunList
	if err := r.List(ctx, &list, client.InNamespace(ns), client.MatchingFields{indexLockName: lock}); err != nil {
		return nil, fmt.Errorf("listing runs of lock %s: %w", lock, err)
	}
	active := list.Items[:0]
	for _, run := range list.Items {
		if !run.Status.Phase.Finished() {
			active = append(active, run)
		}
	}
	return active, nil
}

func requestsFor(runs []v1alpha1.ForecastRun, except string) []reconcile.Request {
	reqs := make([]reconcile.Request, 0, len(runs))
	for _, run := range runs {
		if run.Name != except && !run.Status.Phase.Finished() {
			reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: run.Namespace, Name: run.Name}})
		}
	}
	return reqs
}
