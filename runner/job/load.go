package job

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/checkpoint"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/shard"
	"github.com/forecastrun/forecastrun/runner/source"
)

// load reads the run's dataset. A shard of a sharded run holds only its
// own items and a summary of the rest (series.ReadOptions.Keep), so that
// its memory follows its share, and reads them by the run's index of the
// dataset when it can (loadShare); an input that cannot be read that way
// (an item's rows out of time order, interpolated absent periods) is read
// whole, as a single Pod reads it.
func (r *Runner) load(ctx context.Context, run v1alpha1.ForecastRunSpec) (*series.Dataset, error) {
	spec := run.Dataset
	opts := r.sourceOptions(spec)
	if r.Env.Shards < 2 {
		return source.Load(ctx, spec, opts)
	}
	index, shards := r.Env.Index, r.Env.Shards
	opts.Keep = func(id string) bool { return shard.Of(id, shards) == index }
	ds, err := r.loadShare(ctx, spec, opts, itemCount(run))
	if errors.Is(err, series.ErrNeedsWholeInput) {
		r.Log.Info("reading the whole dataset in this shard", "reason", err.Error())
		opts.Keep = nil
		return source.Load(ctx, spec, opts)
	}
	return ds, err
}

// withPlottedHistory gives the plotted items their values when
// the shard read only its share: by the dataset's index when the run has
// one, else by reading the input once more for just those items; the data
// must not have changed since the shard's first read.
func (r *Runner) withPlottedHistory(ctx context.Context, spec v1alpha1.Dataset, plan Plan, plotted []string) (Plan, error) {
	if !plan.partial {
		return plan, nil
	}
	want := map[string]bool{}
	for _, id := range plotted {
		want[id] = true
	}
	ds, ok := r.plottedByIndex(spec, plan, want)
	if ok {
		r.Log.Info("read the plotted items' history alone, by the dataset's index", "items", len(ds.Items))
	} else {
		opts := r.sourceOptions(spec)
		opts.Keep, opts.Known = func(id string) bool { return want[id] }, plan.layout
		var err error
		if ds, err = source.Load(ctx, spec, opts); err != nil {
			return plan, fmt.Errorf("reading the plotted items' history: %w", err)
		}
		if ds.Summary == nil || plan.Fingerprint != plan.withDataset(ds.Summary.Digest) {
			return plan, fmt.Errorf("%w: the dataset changed while the run was going; run it again", ErrPermanent)
		}
	}
	history := make(map[string]series.Series, len(ds.Items))
	for _, s := range ds.Items {
		history[s.ID] = s
	}
	for i, s := range plan.Items { // in place: the placeholders are no longer needed
		if h, ok := history[s.ID]; ok {
			plan.Items[i] = h
		}
	}
	return plan, nil
}

// othersLeft counts the items the other shards have yet to record, from
// the lines of their checkpoints against their share of the sample,
// without decoding a record. The merge's first pass decodes every shard's
// records, a fair share of a one-Pod run's CPU; a shard that finishes
// while others still work must not pay that only to find items missing.
func othersLeft(dir string, plan Plan, e Env) int {
	want := make([]int, max(e.Shards, 1))
	for _, s := range plan.Items {
		want[shard.Of(s.ID, e.Shards)]++
	}
	if plan.every != nil {
		copy(want, plan.every.perShard)
	}
	left := 0
	for i, n := range want {
		if i != e.Index {
			left += max(n-recordLines(checkpoint.Path(dir, i)), 0)
		}
	}
	return left
}

// recordLines counts a checkpoint's complete lines after its header; a
// missing or unreadable file has none.
func recordLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	lines, buf := 0, make([]byte, 256<<10)
	for {
		n, err := f.Read(buf)
		lines += bytes.Count(buf[:n], []byte{'\n'})
		if err != nil {
			return max(lines-1, 0)
		}
	}
}
