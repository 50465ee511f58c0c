package job

import (
	"context"
	"errors"
	"fmt"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/report"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/shard"
	"github.com/forecastrun/forecastrun/runner/source"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// load reads the run's dataset. A shard of a sharded run holds only its
// own items and a summary of the rest (series.ReadOptions.Keep), so that
// its memory follows its share; an input that cannot be read that way
// (an item's rows out of time order, interpolated absent periods) is read
// whole, as a single Pod reads it.
func (r *Runner) load(ctx context.Context, spec v1alpha1.Dataset) (*series.Dataset, error) {
	opts := r.sourceOptions(spec)
	if r.Env.Shards < 2 {
		return source.Load(ctx, spec, opts)
	}
	index, shards := r.Env.Index, r.Env.Shards
	opts.Keep = func(id string) bool { return shard.Of(id, shards) == index }
	ds, err := source.Load(ctx, spec, opts)
	if errors.Is(err, series.ErrNeedsWholeInput) {
		r.Log.Info("reading the whole dataset in this shard", "reason", err.Error())
		opts.Keep = nil
		return source.Load(ctx, spec, opts)
	}
	return ds, err
}

// withPlottedHistory gives the items the report plots their values when
// the shard read only its share, by reading the input once more for just
// those items; the data must not have changed since the shard's first read.
func (r *Runner) withPlottedHistory(ctx context.Context, spec v1alpha1.Dataset, plan Plan, res *tournament.Result) (Plan, error) {
	if !plan.partial {
		return plan, nil
	}
	want := map[string]bool{}
	for _, id := range report.PlottedIDs(res, len(plan.Items), 0) {
		want[id] = true
	}
	opts := r.sourceOptions(spec)
	opts.Keep = func(id string) bool { return want[id] }
	ds, err := source.Load(ctx, spec, opts)
	if err != nil {
		return plan, fmt.Errorf("reading the plotted items' history: %w", err)
	}
	if ds.Summary == nil || plan.Fingerprint != plan.withDataset(ds.Summary.Digest) {
		return plan, fmt.Errorf("%w: the dataset changed while the run was going; run it again", ErrPermanent)
	}
	history := make(map[string]series.Series, len(ds.Items))
	for _, s := range ds.Items {
		history[s.ID] = s
	}
	items := make([]series.Series, len(plan.Items))
	for i, s := range plan.Items {
		if h, ok := history[s.ID]; ok {
			s = h
		}
		items[i] = s
	}
	plan.Items = items
	return plan, nil
}
