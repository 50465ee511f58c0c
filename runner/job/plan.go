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
	// DataDigest identifies the dataset's content, for the result: later
	// runs with spec.reuse compare it. A shard that read only its share
	// digests the input's bytes, a whole read the parsed series, so the
	// two differ for the same data and a result is reused only by runs
	// that read it the same way.
	DataDigest string
	// partial is set when the shard read only its share of the input:
	// Items other than Mine then hold placeholder values (see
	// series.Summary), enough to order and date results but not to plot.
	partial bool
	// layout is the partial read's input layout, for reading the plotted
	// items again (series.ReadOptions.Known).
	layout *series.Summary
	spec   v1alpha1.ForecastRunSpec
	shards int
	// every is set, and Items nil until the shard merges, when the shard
	// forecasts every item and read its own by the dataset's index
	// (planEveryItem).
	every *everyItem
}

// withDataset is the run's fingerprint for the data with the given digest.
func (p Plan) withDataset(digest string) string {
	cfg, spec := p.Tournament, p.spec
	return checkpoint.Run{
		Dataset: digest, Mode: string(spec.Mode), Seed: uint64(spec.Sampling.Seed),
		Horizon: cfg.Horizon, Season: cfg.Season, Windows: cfg.Windows, Step: cfg.Step,
		Metric: string(cfg.Metric), Models: cfg.CandidateNames(), Levels: cfg.Levels, Shards: p.shards,
	}.Fingerprint()
}

// NewPlan resolves a run's spec against its loaded dataset: the whole
// dataset, or only this shard's items and a summary of every item (see
// series.ReadOptions.Keep), from which every shard draws the same sample.
func NewPlan(spec v1alpha1.ForecastRunSpec, ds *series.Dataset, e Env) (Plan, error) {
	cfg, err := tournamentConfig(spec, ds.Frequency)
	if err != nil {
		return Plan{}, err
	}
	p := Plan{Tournament: cfg, Frequency: ds.Frequency, Data: ds.Report}
	var digest string
	if ds.Summary != nil {
		p.Items, p.Mine = sampleShare(spec, ds, e)
		p.DatasetSize, p.partial, digest = len(ds.Summary.Items), true, ds.Summary.Digest
		p.layout = ds.Summary.Layout()
	} else {
		p.Items = sampleItems(spec, ds)
		p.Mine = shard.Filter(p.Items, e.Index, e.Shards)
		p.DatasetSize, digest = len(ds.Items), checkpoint.DatasetDigest(ds)
	}
	p.spec, p.shards, p.DataDigest = spec, e.Shards, digest
	p.Fingerprint = p.withDataset(digest)
	return p, nil
}

// sampleItems takes itemLimit items when it is set, else the mode's count,
// as a deterministic sample stratified by demand class.
func sampleItems(spec v1alpha1.ForecastRunSpec, ds *series.Dataset) []series.Series {
	return sample.Items(ds, itemCount(spec), uint64(spec.Sampling.Seed))
}

// itemCount is itemLimit when it is set, else the mode's count.
func itemCount(spec v1alpha1.ForecastRunSpec) int {
	if spec.ItemLimit != nil {
		return int(*spec.ItemLimit)
	}
	return spec.Mode.ItemCount()
}

// sampleShare draws the run's sample from the summary of every item, as
// sampleItems draws it from the whole dataset, and takes this shard's
// sampled items from ds, which holds the shard's items in dataset order.
func sampleShare(spec v1alpha1.ForecastRunSpec, ds *series.Dataset, e Env) (items, mine []series.Series) {
	sum := ds.Summary
	idx := sample.SelectSummary(sum, itemCount(spec), uint64(spec.Sampling.Seed))
	items = sum.Items // every item, in order: no copy of a million
	if len(idx) < len(sum.Items) {
		items = make([]series.Series, len(idx))
	}
	j := 0
	for k, i := range idx {
		items[k] = sum.Items[i]
		if shard.Of(items[k].ID, e.Shards) != e.Index {
			continue
		}
		for j < len(ds.Items) && ds.Items[j].ID != items[k].ID {
			j++
		}
		if j < len(ds.Items) {
			mine = append(mine, ds.Items[j])
		}
	}
	return items, mine
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
