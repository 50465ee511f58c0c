package controllers

import (
	"context"
	"fmt"
	"slices"

	coordinationv1 "k8s.io/api/coordination/v1"

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

// describeHolder names the lock's holder and its phase; nil when the lock
// is free. The holder's progress is left out: it changes with every report,
// and a copy in every queued run would rewrite the whole queue each time.
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
	return &v1alpha1.LockHolder{Name: name, Phase: holder.Status.Phase}
}

// holderPhrase is "held by nightly-full (Running)".
func holderPhrase(h *v1alpha1.LockHolder) string {
	switch {
	case h == nil:
		return "is free"
	case h.Phase == "":
		return "held by " + h.Name
	}
	return fmt.Sprintf("held by %s (%s)", h.Name, h.Phase)
}
