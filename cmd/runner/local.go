package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"runtime/pprof"
	"slices"
	"strings"

	"github.com/forecastrun/forecastrun/runner/metrics"
	"github.com/forecastrun/forecastrun/runner/models/registry"
	"github.com/forecastrun/forecastrun/runner/output"
	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// localOptions are the parsed flags of `runner local`.
type localOptions struct {
	input, out         string
	horizon, season    int
	windows, step      int
	itemLimit, workers int
	// estimateEveryWindow re-estimates models on every backtest window.
	estimateEveryWindow bool
	// allCandidates runs every model on every item instead of choosing the
	// candidates by demand class.
	allCandidates bool
	// cpuProfile is where a CPU profile of the tournament goes, if set.
	cpuProfile string
	seed       uint64
	mode       sample.Mode
	metric     metrics.Metric
	models     []string
	levels     []float64
	quantiles  []float64
	frequency  series.Frequency
	missing    series.Missing
	columns    series.Columns
}

const localSynopsis = `local --input FILE --out DIR [flags]

Runs a forecasting tournament on every sampled item of a long CSV file and
writes DIR/forecasts.csv, DIR/leaderboard.csv and DIR/summary.json.
The default --mode is QuickTest (100 items), as in the ForecastRun API;
pass --mode Full to forecast every item.`

func parseLocal(args []string, e env) (localOptions, error) {
	var o localOptions
	fs := newFlagSet("local", localSynopsis, e)
	fs.StringVar(&o.input, "input", "", "long CSV or Parquet file to forecast (required)")
	fs.StringVar(&o.out, "out", "", "output directory (required)")
	fs.IntVar(&o.horizon, "horizon", 0, "periods to forecast (default: the frequency's M4 horizon, e.g. 14 for daily)")
	fs.IntVar(&o.season, "season", 0, "seasonal period (default: the frequency's, e.g. 7 for daily; 1 for integer periods)")
	mode := fs.String("mode", string(sample.QuickTest), "sampling mode: QuickTest (100 items), Sample (500), Standard (1000) or Full (all)")
	fs.IntVar(&o.itemLimit, "item-limit", 0, "forecast this many items, sampled like the mode (overrides the mode's count; 0: the mode decides)")
	metric := fs.String("metric", string(metrics.Default), "metric that ranks the models: "+metricNames())
	models := fs.String("models", "", "comma-separated models to run (default all): "+strings.Join(registry.Names(), ","))
	fs.IntVar(&o.windows, "windows", tournament.DefaultWindows, "rolling-origin backtest windows")
	fs.IntVar(&o.step, "step", 0, "periods between backtest origins (default: the horizon)")
	levels := fs.String("levels", "80,95", "prediction interval levels in percent")
	quantiles := fs.String("quantiles", "", "forecast quantiles in percent, written as q_<P> columns (e.g. 90,95,99 for service levels)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the item sample")
	frequency := fs.String("frequency", "", "data frequency: hourly, daily, weekly, monthly, quarterly, yearly (default: inferred from dates)")
	candidates := fs.String("candidates", "by-class", "which models compete for an item: by-class (the intermittent-demand methods for intermittent and lumpy items, the others for smooth and erratic ones) or all; naming --models runs those on every item")
	fs.BoolVar(&o.estimateEveryWindow, "estimate-every-window", false, "estimate every model afresh on every backtest window instead of refitting the first window's parameters (slower; for measuring what refitting costs)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the tournament to this file (go tool pprof reads it)")
	fs.IntVar(&o.workers, "workers", 0, "parallel workers (default: GOMAXPROCS, which follows the container CPU limit)")
	cols := columnFlags(fs)
	missing := missingFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	o.columns = *cols
	var err error
	if o.missing, err = series.ParseMissing(*missing); err != nil {
		return o, usageError{err}
	}
	switch *candidates {
	case "by-class":
	case "all":
		o.allCandidates = true
	default:
		return o, usagef("--candidates %q: want by-class or all", *candidates)
	}
	if o.quantiles, err = parseQuantiles(*quantiles); err != nil {
		return o, usageError{err}
	}
	return o, o.finish(*mode, *metric, *models, *levels, *frequency)
}

// finish validates the flags that need parsing beyond their type.
func (o *localOptions) finish(mode, metric, models, levels, frequency string) error {
	var err error
	if o.input == "" || o.out == "" {
		return usagef("--input and --out are required")
	}
	if o.horizon < 0 || o.season < 0 || o.windows < 1 || o.step < 0 || o.itemLimit < 0 || o.workers < 0 {
		return usagef("--horizon, --season, --step, --item-limit and --workers must not be negative, --windows at least 1")
	}
	if o.mode, err = sample.ParseMode(mode); err != nil {
		return usageError{err}
	}
	if o.metric, err = metrics.ParseMetric(metric); err != nil {
		return usageError{err}
	}
	if o.levels, err = parseLevels(levels); err != nil {
		return usageError{err}
	}
	if frequency != "" {
		if o.frequency, err = series.ParseFrequency(frequency); err != nil {
			return usageError{err}
		}
	}
	o.models = splitList(models)
	return nil
}

func metricNames() string {
	names := make([]string, 0, len(metrics.All()))
	for _, m := range metrics.All() {
		names = append(names, string(m))
	}
	return strings.Join(names, ", ")
}

func runLocal(ctx context.Context, args []string, e env) error {
	o, err := parseLocal(args, e)
	if err != nil {
		return err
	}
	ds, err := series.LoadFile(o.input, series.ReadOptions{Columns: o.columns, Frequency: o.frequency, Missing: o.missing})
	if err != nil {
		return err
	}
	cfg, err := o.tournamentConfig(ds)
	if err != nil {
		return err
	}
	items := o.sampleItems(ds)
	fmt.Fprintf(e.stderr, "forecasting %d of %d items (%s mode), horizon %d, season %d, %d models\n",
		len(items), len(ds.Items), o.mode, cfg.Horizon, cfg.Season, len(cfg.Models))
	stopProfile, err := startCPUProfile(o.cpuProfile)
	if err != nil {
		return err
	}
	bar := newProgressBar(e)
	res, runErr := tournament.Run(ctx, items, cfg, bar.update)
	bar.finish()
	stopProfile()
	if res == nil {
		return runErr
	}
	files, err := output.Write(o.out, output.Run{
		Result: res, Items: items, Frequency: ds.Frequency, Data: ds.Report, Metric: cfg.Metric,
		Horizon: cfg.Horizon, Season: cfg.Season, Windows: cfg.Windows, Levels: cfg.Levels, Quantiles: cfg.Quantiles,
		Input: o.input, Mode: string(o.mode),
	})
	if err != nil {
		return err
	}
	printSummary(e.stdout, res, cfg.Metric, files)
	if runErr != nil {
		return fmt.Errorf("stopped after %d of %d items (partial results written): %w", len(res.Items), len(items), runErr)
	}
	return nil
}

// tournamentConfig resolves the defaults that depend on the data.
func (o localOptions) tournamentConfig(ds *series.Dataset) (tournament.Config, error) {
	season := o.season
	if season == 0 {
		season = ds.Frequency.SeasonLength()
	}
	horizon := o.horizon
	if horizon == 0 {
		horizon = ds.Frequency.DefaultHorizon()
	}
	if horizon == 0 {
		return tournament.Config{}, usagef("--horizon is required: the data has integer periods and no --frequency")
	}
	ms, err := registry.Select(o.models, season)
	if err != nil {
		return tournament.Config{}, usageError{err}
	}
	cfg := tournament.Config{
		Horizon: horizon, Windows: o.windows, Step: o.step, Season: season,
		Metric: o.metric, Levels: o.levels, Quantiles: o.quantiles, Models: ms, Workers: o.workers,
		EstimateEveryWindow: o.estimateEveryWindow,
	}
	if registry.WantsEnsemble(o.models) {
		cfg.Ensemble = tournament.DefaultEnsemble()
	}
	if !o.allCandidates && registry.ChoosesByClass(o.models) {
		cfg.Suits = registry.Suits
	}
	return cfg, nil
}

// startCPUProfile profiles the process into path until the returned
// function is called; with an empty path it does nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting the CPU profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// sampleItems picks the items of the run: --item-limit, when set, replaces
// the mode's count, as spec.itemLimit does in the API.
func (o localOptions) sampleItems(ds *series.Dataset) []series.Series {
	n := o.mode.Count()
	if o.itemLimit > 0 {
		n = o.itemLimit
	}
	return sample.Items(ds, n, o.seed)
}

// printSummary reports wins per model (most first), the mean score, failed
// items, throughput and where the files are.
func printSummary(w io.Writer, res *tournament.Result, metric metrics.Metric, files output.Files) {
	s := res.Summary
	fmt.Fprintf(w, "items: %d  failed: %d  %s (mean winning backtest score over %d items): %s\n",
		s.Items, s.Failed, metric, s.ScoredItems, formatScore(s.MeanScore))
	fmt.Fprintf(w, "time: %.1fs  %.1f items/s\n", s.Seconds, s.ItemsPerSecond)
	fmt.Fprintln(w, "wins:")
	names := slices.SortedFunc(maps.Keys(s.Wins), func(a, b string) int {
		if s.Wins[a] != s.Wins[b] {
			return s.Wins[b] - s.Wins[a]
		}
		return strings.Compare(a, b)
	})
	for _, name := range names {
		fmt.Fprintf(w, "  %-26s %6d  %5.1f%%\n", name, s.Wins[name], 100*float64(s.Wins[name])/float64(max(s.Items, 1)))
	}
	fmt.Fprintf(w, "wrote %s\n      %s\n      %s\n", files.Forecasts, files.Leaderboard, files.Summary)
}

func formatScore(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.4f", v)
}
