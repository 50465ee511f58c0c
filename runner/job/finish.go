package job

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strconv"
	"time"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/checkpoint"
	"github.com/forecastrun/forecastrun/runner/output"
	"github.com/forecastrun/forecastrun/runner/report"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// finish writes the run's files when every shard's items are recorded. Each
// shard syncs its checkpoint before merging, so whichever shard finishes
// last sees every record. Shards finishing together on a shared folder
// take turns (checkpoint.TakeTurn), and those after the first find its
// merge done; shards that exchange checkpoints through a bucket may both
// write, which is harmless because the files are identical and written
// atomically.
func (r *Runner) finish(ctx context.Context, run *v1alpha1.ForecastRun, plan Plan, rep *progressReporter) error {
	dir := r.Env.ResultDir()
	if err := r.results.collectShards(ctx, dir, plan.Fingerprint, r.Env.Shards, r.Env.Index); err != nil {
		return err
	}
	if left := othersLeft(dir, plan, r.Env); left > 0 {
		mine := len(plan.Mine)
		rep.set(shardProgress{done: mine, total: mine, message: fmt.Sprintf("shard done; %d items left in other shards", left)})
		return nil
	}
	mine := len(plan.Mine)
	rep.set(shardProgress{done: mine, total: mine, message: "shard done; waiting for its turn to merge"})
	turn, merged, err := r.takeTurn(dir, plan)
	if err != nil {
		return err
	}
	defer turn.Release()
	if merged {
		rep.set(shardProgress{done: mine, total: mine, message: "shard done; the results were written by an earlier merge"})
		return nil
	}
	if plan, err = withEveryItem(plan); err != nil {
		return err
	}
	m, err := openMerge(dir, plan, r.Env.Shards)
	if err != nil {
		return fmt.Errorf("merging shard checkpoints: %w", err)
	}
	defer m.close()
	if m.missing > 0 {
		rep.set(shardProgress{done: mine, total: mine, message: fmt.Sprintf("shard done; %d items left in other shards", m.missing)})
		return nil
	}
	rep.set(shardProgress{done: mine, total: mine, message: "writing results"})
	res := &tournament.Result{Models: plan.Tournament.CandidateNames(), Summary: m.summing.Summary(elapsedSince(run))}
	if plan, err = r.withPlottedHistory(ctx, run.Spec.Dataset, plan, m.report.Plotted()); err != nil {
		return err
	}
	if err := r.writeFiles(dir, run, plan, res, m); err != nil {
		return err
	}
	if err := r.results.publishResults(ctx, dir); err != nil {
		return err
	}
	result := resultOf(res, r.outputPath(run))
	result.FencingToken = r.Env.FencingToken // the controller keeps only its current hold's result
	result.DataDigest = plan.DataDigest
	if err := (statusWriter{c: r.Client, env: r.Env}).applyResult(ctx, result); err != nil {
		return err
	}
	rep.set(shardProgress{done: mine, total: mine, message: fmt.Sprintf("done: %d items forecast", res.Summary.Items)})
	if err := turn.Done(); err != nil {
		return err
	}
	r.dropIndex()
	return nil
}

// takeTurn waits for this shard's turn to merge when the run has several
// shards (a single shard has no one to wait for, and merges again when
// retried).
func (r *Runner) takeTurn(dir string, plan Plan) (*checkpoint.Turn, bool, error) {
	if r.Env.Shards < 2 {
		return nil, false, nil
	}
	return checkpoint.TakeTurn(dir, plan.Fingerprint, r.Env.FencingToken)
}

// writeFiles writes the run's files from the merge: forecasts,
// leaderboard and summary item by item, then the report from the merge's
// tally, which holds the full results of the items it plots.
func (r *Runner) writeFiles(dir string, run *v1alpha1.ForecastRun, plan Plan, res *tournament.Result, m *merge) error {
	cfg := plan.Tournament
	dataset := datasetName(run.Spec.Dataset)
	out, err := output.NewStream(dir, output.Run{
		Result: res, Items: plan.Items, Frequency: plan.Frequency, Data: plan.Data, Metric: cfg.Metric,
		Horizon: cfg.Horizon, Season: cfg.Season, Windows: cfg.Windows, Levels: cfg.Levels, Quantiles: cfg.Quantiles,
		Input: dataset, Mode: string(run.Spec.Mode),
	})
	if err != nil {
		return fmt.Errorf("writing results to %s: %w", dir, err)
	}
	if err := m.write(out); err != nil {
		out.Abort()
		return fmt.Errorf("writing results to %s: %w", dir, err)
	}
	if _, err := out.Close(res.Summary); err != nil {
		return fmt.Errorf("writing results to %s: %w", dir, err)
	}
	err = report.Write(filepath.Join(dir, report.FileName), report.Input{
		RunName: run.Name, Dataset: dataset, Mode: string(run.Spec.Mode), Metric: cfg.Metric,
		Horizon: cfg.Horizon, Season: cfg.Season, Frequency: plan.Frequency, DatasetItems: plan.DatasetSize,
		Result: res, Tally: m.report, Items: plan.Items, Created: time.Now(),
	})
	if err != nil {
		return fmt.Errorf("writing the report to %s: %w", dir, err)
	}
	return nil
}

// outputPath says where a person finds the files: on the output claim, in
// the output bucket, or only inside the Pod when the run has no output.
func (r *Runner) outputPath(run *v1alpha1.ForecastRun) string {
	if r.results != nil {
		return r.results.outputPath()
	}
	if run.Spec.Output == nil {
		return "pod:" + r.Env.ResultDir()
	}
	pvc := run.Spec.Output.PersistentVolumeClaim
	return "pvc/" + pvc.ClaimName + "/" + path.Join(pvc.Path, run.Name)
}

func resultOf(res *tournament.Result, outputPath string) v1alpha1.Result {
	s := res.Summary
	winners := make(map[string]int32, len(s.Wins))
	for name, n := range s.Wins {
		winners[name] = int32(n)
	}
	score := ""
	if s.ScoredItems > 0 {
		score = strconv.FormatFloat(s.MeanScore, 'f', 4, 64)
	}
	return v1alpha1.Result{
		ItemsForecast: int32(s.Items), ItemsFailed: int32(s.Failed),
		Winners: winners, Score: score, OutputPath: outputPath,
	}
}

func elapsedSince(run *v1alpha1.ForecastRun) time.Duration {
	if run.Status.StartTime == nil {
		return 0
	}
	return time.Since(run.Status.StartTime.Time)
}

// datasetName names the run's data source the way errors and files do.
func datasetName(d v1alpha1.Dataset) string {
	switch {
	case d.ConfigMap != nil:
		return "configmap/" + d.ConfigMap.Name + "/" + d.ConfigMap.Key
	case d.PersistentVolumeClaim != nil:
		return "pvc/" + d.PersistentVolumeClaim.ClaimName + "/" + d.PersistentVolumeClaim.Path
	case d.URL != "":
		return d.URL
	case d.ObjectStore != nil:
		return "s3://" + d.ObjectStore.Bucket + "/" + d.ObjectStore.Key
	case d.Synthetic != nil:
		s := d.Synthetic
		return fmt.Sprintf("synthetic: %d items x %d periods, seed %d", s.Items, s.Periods, s.Seed)
	}
	return ""
}
