package controllers

import (
	"context"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// Field indexes on the cached runs, so that a change to one run or Lease
// finds the runs it concerns without scanning the namespace.
const (
	indexLockName    = "spec.lockName"
	indexDuplicateOf = "status.duplicateOf"
)

func addIndexes(ctx context.Context, indexer client.FieldIndexer) error {
	byLock := func(o client.Object) []string { return []string{o.(*v1alpha1.ForecastRun).Spec.LockName} }
	if err := indexer.IndexField(ctx, &v1alpha1.ForecastRun{}, indexLockName, byLock); err != nil {
		return fmt.Errorf("indexing runs by lock name: %w", err)
	}
	byPrimary := func(o client.Object) []string {
		if p := o.(*v1alpha1.ForecastRun).Status.DuplicateOf; p != "" {
			return []string{p}
		}
		return nil
	}
	if err := indexer.IndexField(ctx, &v1alpha1.ForecastRun{}, indexDuplicateOf, byPrimary); err != nil {
		return fmt.Errorf("indexing runs by duplicateOf: %w", err)
	}
	return nil
}

// CacheOptions limits the manager's Job and Lease caches to the objects
// this operator creates; other Jobs and Leases in the cluster (every node's
// heartbeat Lease, every controller's leader election) are of no interest
// to it and would only cost memory and watch traffic.
func CacheOptions() cache.Options {
	sel := labels.SelectorFromSet(labels.Set{labelManagedBy: managerName})
	return cache.Options{ByObject: map[client.Object]cache.ByObject{
		&batchv1.Job{}:          {Label: sel},
		&corev1.Pod{}:           {Label: sel},
		&coordinationv1.Lease{}: {Label: sel},
	}}
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

// relatedToRun maps a change of one run to the unfinished runs that depend
// on it: the others of its lock (queue positions, the holder's progress
// shown to waiters, preemption by an Urgent arrival, admission of the next
// run when it finishes) and its duplicates (mirrored progress and result).
func (r *Reconciler) relatedToRun(ctx context.Context, o client.Object) []reconcile.Request {
	run := o.(*v1alpha1.ForecastRun)
	runs, err := r.runsOfLock(ctx, run.Namespace, run.Spec.LockName)
	if err != nil {
		log.FromContext(ctx).Error(err, "listing runs of a lock to requeue", "lock", run.Spec.LockName)
		return nil
	}
	var dups v1alpha1.ForecastRunList
	if err := r.List(ctx, &dups, client.InNamespace(run.Namespace), client.MatchingFields{indexDuplicateOf: run.Name}); err != nil {
		log.FromContext(ctx).Error(err, "listing duplicates to requeue", "run", run.Name)
	}
	return requestsFor(append(runs, dups.Items...), run.Name)
}

// waitingOnLease maps a Lease change (a release, a renewal, a takeover) to
// the unfinished runs of that lock, which is what admits the head of the
// queue as soon as the lock is free.
func (r *Reconciler) waitingOnLease(ctx context.Context, o client.Object) []reconcile.Request {
	runs, err := r.runsOfLock(ctx, o.GetNamespace(), o.GetName())
	if err != nil {
		log.FromContext(ctx).Error(err, "listing runs of a lock to requeue", "lock", o.GetName())
		return nil
	}
	return requestsFor(runs, "")
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
