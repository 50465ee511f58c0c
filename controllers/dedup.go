package controllers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// identity is the part of a spec that decides the result, and where it
// goes. Priority, whenBusy, lockName, parallelism, resources, timeouts and
// cancel change how a run executes, not what it computes, so they are left
// out: an identical request under another lock still shares the execution.
// The output is in: a run that asked for its files elsewhere gets them
// there, from an execution of its own. So is the version of the data where
// the controller knows it before the run starts (a ConfigMap's UID and
// resourceVersion, status.dataVersion): a run created after the ConfigMap
// changed does not share the result computed from its old content.
type identity struct {
	Items        string            `json:"items"`
	Dataset      v1alpha1.Dataset  `json:"dataset"`
	Horizon      *int32            `json:"horizon,omitempty"`
	Metric       v1alpha1.Metric   `json:"metric"`
	Models       []string          `json:"models,omitempty"`
	Backtest     v1alpha1.Backtest `json:"backtest"`
	Levels       []int32           `json:"levels,omitempty"`
	Quantiles    []int32           `json:"quantiles,omitempty"`
	SamplingSeed int64             `json:"samplingSeed"`
	// ScheduledAt separates the runs a schedule creates for different
	// times: with concurrencyPolicy Queue, tonight's run must wait for and
	// then follow last night's, not share its result.
	ScheduledAt string           `json:"scheduledAt,omitempty"`
	Output      *v1alpha1.Output `json:"output,omitempty"`
	DataVersion string           `json:"dataVersion,omitempty"`
}

// identityHash is a short digest of the run's normalised identity: an item
// limit replaces the mode, and models and interval levels are sorted since
// their order does not change the result.
func identityHash(run *v1alpha1.ForecastRun) string {
	spec := &run.Spec
	id := identity{
		Items: "mode:" + string(spec.Mode), Dataset: spec.Dataset, Horizon: spec.Horizon,
		Metric: spec.Metric, Backtest: spec.Backtest, SamplingSeed: spec.Sampling.Seed,
		ScheduledAt: run.Annotations[v1alpha1.AnnotationScheduledAt],
		Output:      spec.Output, DataVersion: knownBeforehand(run.Status.DataVersion),
	}
	if spec.ItemLimit != nil {
		id.Items = fmt.Sprintf("limit:%d", *spec.ItemLimit)
	}
	for _, m := range spec.Models {
		id.Models = append(id.Models, string(m))
	}
	slices.Sort(id.Models)
	id.Levels = slices.Sorted(slices.Values(spec.Intervals.Levels))
	id.Quantiles = slices.Sorted(slices.Values(spec.Intervals.Quantiles))
	data, _ := json.Marshal(id) // plain structs: cannot fail
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:12])
}

// eligiblePrimary reports whether run may be the primary of identical runs: it is
// unfinished, no duplicate itself, and not being cancelled or deleted.
func eligiblePrimary(run *v1alpha1.ForecastRun) bool {
	return run.Status.DuplicateOf == "" && !run.Status.Phase.Finished() &&
		!run.Spec.Cancel && run.DeletionTimestamp.IsZero()
}

// pickPrimary chooses the run that executes for a set of identical runs: a
// running one if any (it cannot be displaced), otherwise the first in queue
// order. Every reconciler that sees the same runs picks the same one.
func pickPrimary(runs []v1alpha1.ForecastRun) *v1alpha1.ForecastRun {
	var best *v1alpha1.ForecastRun
	for i := range runs {
		c := &runs[i]
		if best == nil || primaryLess(c, best) {
			best = c
		}
	}
	return best
}

func primaryLess(a, b *v1alpha1.ForecastRun) bool {
	ar, br := a.Status.Phase == v1alpha1.PhaseRunning, b.Status.Phase == v1alpha1.PhaseRunning
	if ar != br {
		return ar
	}
	return v1alpha1.QueueOrder(a, b) < 0
}

// findPrimary returns the identical run that run should join, or nil when
// run is itself the one to execute.
func (r *Reconciler) findPrimary(ctx context.Context, run *v1alpha1.ForecastRun) (*v1alpha1.ForecastRun, error) {
	identical, err := r.identicalRuns(ctx, run)
	if err != nil {
		return nil, fmt.Errorf("listing runs to find duplicates: %w", err)
	}
	same := []v1alpha1.ForecastRun{*run}
	for i := range identical {
		if o := &identical[i]; o.Name != run.Name && eligiblePrimary(o) {
			same = append(same, *o)
		}
	}
	if p := pickPrimary(same); p.Name != run.Name {
		return p, nil
	}
	return nil, nil
}

// identicalRuns are the runs of run's namespace with its identity, found
// through the cache's identity index.
func (r *Reconciler) identicalRuns(ctx context.Context, run *v1alpha1.ForecastRun) ([]v1alpha1.ForecastRun, error) {
	var list v1alpha1.ForecastRunList
	err := r.List(ctx, &list, client.InNamespace(run.Namespace), client.MatchingFields{indexIdentity: identityHash(run)})
	return list.Items, err
}

// joinDuplicate makes the run a duplicate of an identical active run.
func (p *pass) joinDuplicate(primary *v1alpha1.ForecastRun) {
	run := p.run
	run.Status.DuplicateOf, run.Status.DuplicateOfUID = primary.Name, primary.UID
	run.Status.QueuePosition, run.Status.LockHolder = nil, nil
	msg := fmt.Sprintf("identical to %s, which is %s; sharing its execution instead of taking the lock", primary.Name, phaseOrPending(primary))
	setCondition(run, v1alpha1.ConditionAdmitted, metav1.ConditionFalse, v1alpha1.ReasonDuplicate, msg, p.now())
	p.mirror(primary)
}

// duplicate follows the primary: its progress while it is active, its
// phase and result once it ends. When the primary cannot deliver a result
// (deleted, cancelled, rejected, or itself a duplicate now), the run stands
// on its own again and is re-evaluated on the next pass.
func (p *pass) duplicate() {
	if primary := p.w.primary; primary != nil && primaryDelivers(primary) {
		p.mirror(primary)
		return
	}
	p.detach()
	p.wakeIn(conflictRetry)
}

// primaryDelivers reports whether a duplicate can keep following primary.
func primaryDelivers(p *v1alpha1.ForecastRun) bool {
	switch {
	case p.Status.DuplicateOf != "", p.Spec.Cancel, !p.DeletionTimestamp.IsZero():
		return false
	case p.Status.Phase == v1alpha1.PhaseCancelled, p.Status.Phase == v1alpha1.PhaseRejected:
		return false
	}
	return !failedForItself(p)
}

// failedForItself reports a failure that was the primary's own and says
// nothing of the computation its duplicates asked for: its queue timeout,
// or its lock being another application's Lease. A duplicate then stands
// on its own, with its own timeout and lock.
func failedForItself(p *v1alpha1.ForecastRun) bool {
	c := meta.FindStatusCondition(p.Status.Conditions, v1alpha1.ConditionFailed)
	return p.Status.Phase == v1alpha1.PhaseFailed && c != nil && c.Status == metav1.ConditionTrue &&
		(c.Reason == v1alpha1.ReasonQueueTimeout || c.Reason == v1alpha1.ReasonLockNotOwned)
}

func (p *pass) detach() {
	run := p.run
	msg := fmt.Sprintf("%s will not deliver a result; re-evaluating this run on its own", run.Status.DuplicateOf)
	run.Status.DuplicateOf, run.Status.DuplicateOfUID = "", ""
	run.Status.Progress, run.Status.EstimatedCompletionTime = nil, nil
	setCondition(run, v1alpha1.ConditionAdmitted, metav1.ConditionFalse, v1alpha1.ReasonPending, msg, p.now())
	p.setPhase(v1alpha1.PhasePending, v1alpha1.ReasonPending, msg)
}

// mirror copies the primary's phase, progress and, at the end, its result.
func (p *pass) mirror(primary *v1alpha1.ForecastRun) {
	run := p.run
	run.Status.Progress = primary.Status.Progress.DeepCopy()
	run.Status.EstimatedCompletionTime = primary.Status.EstimatedCompletionTime.DeepCopy()
	run.Status.EstimatedDuration = primary.Status.EstimatedDuration.DeepCopy()
	phase := phaseOrPending(primary)
	state := string(phase)
	if primary.Status.Progress != nil {
		state += ", " + primary.Status.Progress.PercentText
	}
	msg := fmt.Sprintf("duplicate of %s (%s): sharing its execution", primary.Name, state)
	if phase.Finished() {
		run.Status.Result = primary.Status.Result.DeepCopy()
		msg = fmt.Sprintf("%s with identical run %s: %s", phase, primary.Name, primary.Status.Message)
	}
	p.setPhase(phase, v1alpha1.ReasonDuplicate, msg)
}

func phaseOrPending(run *v1alpha1.ForecastRun) v1alpha1.Phase {
	if run.Status.Phase == "" {
		return v1alpha1.PhasePending
	}
	return run.Status.Phase
}
