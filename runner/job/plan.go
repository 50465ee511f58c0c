package job

import (
	"fmt"
	"slices"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/checkpoint"
	"github.com/forecastrun/forecastrun/runner/metrics"
	"github.com/forecastrun/forecastrun/runner/models/registry"
	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/shard"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// Plan is what one shard of a run does: the run's items (every shard
// computes the same sample, so any shard can merge the final output), its
// own share of them, and the tournament settings.
type Plan struct {
	// Items are the run's sampled items, in dataset order.
	Items []series.Series
	// Mine are this shard's items.
	Mine        []series.Series
	Tournament  tournament.Config
	Frequency   series.Frequency
	Data        series.Report
	Fingerprint string
	DatasetSize int
}

// NewPlan resolves a run's spec against its loaded dataset.
func NewPlan(spec v1alpha1.ForecastRunSpec, ds *series.Dataset, e Env) (Plan, error) {
	cfg, err := tournamentConfig(spec, ds.Frequency)
	if err != nil {
		return Plan{}, err
	}
	items := sampleItems(spec, ds)
	p := Plan{
		Items:       items,
		Mine:        shard.Filter(items, e.Index, e.Shards),
		Tournament:  cfg,
		Frequency:   ds.Frequency,
		Data:        ds.Report,
		DatasetSize: len(ds.Items),
	}
	p.Fingerprint = checkpoint.Run{
		Dataset: checkpoint.DatasetDigest(ds), Mode: string(spec.Mode), Seed: uint64(spec.Sampling.Seed),
		Horizon: cfg.Horizon, Season: cfg.Season, Windows: cfg.Windows, Step: cfg.Step,
		Metric: string(cfg.Metric), Models: cfg.CandidateNames(), Levels: cfg.Levels, Shards: e.Shards,
	}.Fingerprint()
	return p, nil
}

// sampleItems takes itemLimit items when it is set, else the mode's count,
// as a deterministic sample stratified by demand class.
func sampleItems(spec v1alpha1.ForecastRunSpec, ds *series.Dataset) []series.Series {
	n := spec.Mode.ItemCount()
	if spec.ItemLimit != nil {
		n = int(*spec.ItemLimit)
	}
	return sample.Items(ds, n, uint64(spec.Sampling.Seed))
}

// tournamentConfig fills the defaults that depend on the frequency.
func tournamentConfig(spec v1alpha1.ForecastRunSpec, freq series.Frequency) (tournament.Config, error) {
	season := freq.SeasonLength()
	if spec.Dataset.SeasonLength != nil {
		season = int(*spec.Dataset.SeasonLength)
	}
	horizon := freq.DefaultHorizon()
	if spec.Horizon != nil {
		horizon = int(*spec.Horizon)
	}
	if horizon < 1 {
		return tournament.Config{}, fmt.Errorf("spec.horizon is required when the dataset's frequency (%q) has no default horizon", freq)
	}
	names := make([]string, len(spec.Models))
	for i, m := range spec.Models {
		names[i] = string(m)
	}
	ms, err := registry.Select(names, season)
	if err != nil {
		return tournament.Config{}, fmt.Errorf("spec.models: %w", err)
	}
	metric := metrics.Default
	if spec.Metric != "" {
		metric, err = metrics.ParseMetric(string(spec.Metric))
	}
	if err != nil {
		return tournament.Config{}, fmt.Errorf("spec.metric: %w", err)
	}
	cfg := tournament.Config{
		Horizon: horizon, Windows: int(spec.Backtest.Windows), Season: season,
		Metric: metric, Levels: levels(spec.Intervals.Levels), Quantiles: probabilities(spec.Intervals.Quantiles), Models: ms,
	}
	cfg.EstimateEveryWindow = spec.Backtest.EstimateEveryWindow
	if spec.Backtest.Step != nil {
		cfg.Step = int(*spec.Backtest.Step)
	}
	if registry.WantsEnsemble(names) {
		cfg.Ensemble = tournament.DefaultEnsemble()
	}
	if registry.ChoosesByClass(names) {
		cfg.Suits = registry.Suits
	}
	return cfg, nil
}

// probabilities turns quantiles in percent into probabilities.
func probabilities(percent []int32) []float64 {
	out := make([]float64, len(percent))
	for i, p := range percent {
		out[i] = float64(p) / 100
	}
	return out
}

func levels(l []int32) []float64 {
	if len(l) == 0 {
		return nil
	}
	out := make([]float64, len(l))
	for i, v := range l {
		out[i] = float64(v)
	}
	slices.Sort(out)
	return out
}
