package tournament

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/forecastrun/forecastrun/runner/metrics"
	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/naive"
	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/series"
)

func benchmarkModels() []models.Model {
	return []models.Model{naive.Naive{}, naive.Mean{}, naive.WindowAverage{Window: 7}, naive.Seasonal{Season: 7}, naive.Drift{}}
}

func TestRunPicksSeasonalModelForSeasonalSeries(t *testing.T) {
	items := makeItems(10, 120, 1, seasonalSeries)
	res, err := Run(context.Background(), items, Config{Horizon: 14, Season: 7, Models: benchmarkModels()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res.Items {
		if it.Winner != "SeasonalNaive" {
			t.Errorf("%s: winner %s, want the seasonal model (scores %v)", it.ID, it.Winner, it.Scores)
		}
	}
}

func TestRunResultShape(t *testing.T) {
	items := makeItems(6, 60, 2, seasonalSeries)
	items[1].Values[59] = math.NaN() // trailing missing: imputed for fitting, not scored
	items[2].Values[0] = math.NaN()  // leading missing: dropped
	cfg := Config{Horizon: 7, Season: 7, Levels: []float64{95, 80}, Models: benchmarkModels()}
	res, err := Run(context.Background(), items, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != len(items) {
		t.Fatalf("%d results for %d items", len(res.Items), len(items))
	}
	for i, it := range res.Items {
		if it.Index != i || it.ID != items[i].ID {
			t.Errorf("result %d is item %d (%s): want input order", i, it.Index, it.ID)
		}
		if len(it.Forecast.Mean) != 7 || it.Windows != 3 || it.BacktestHorizon != 7 {
			t.Errorf("%s: %d forecasts, %d windows of %d", it.ID, len(it.Forecast.Mean), it.Windows, it.BacktestHorizon)
		}
		if len(it.Forecast.Intervals) != 2 || it.Forecast.Intervals[0].Level != 80 {
			t.Errorf("%s: intervals %+v, want 80 then 95", it.ID, it.Forecast.Intervals)
		}
		if len(it.Scores) != len(cfg.Models) || it.Score != it.Scores[it.Winner] {
			t.Errorf("%s: scores %v, winner score %v", it.ID, it.Scores, it.Score)
		}
		for name, s := range it.Scores {
			if s < it.Score {
				t.Errorf("%s: %s scored %v, better than winner %s %v", it.ID, name, s, it.Winner, it.Score)
			}
		}
		if it.Class == "" {
			t.Errorf("%s: no demand class", it.ID)
		}
	}
	if got := res.Summary.Items; got != len(items) {
		t.Errorf("Summary.Items = %d", got)
	}
	if res.Summary.ScoredItems != len(items) || math.IsNaN(res.Summary.MeanScore) {
		t.Errorf("summary %+v", res.Summary)
	}
}

func TestRunTiesGoToSimplerModel(t *testing.T) {
	// On a constant series Naive, HistoricAverage and WindowAverage are all
	// exact; the first in the list must win.
	items := []series.Series{{ID: "flat", Values: []float64{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}}}
	ms := []models.Model{naive.Mean{}, naive.Naive{}, naive.WindowAverage{Window: 3}}
	res, err := Run(context.Background(), items, Config{Horizon: 3, Models: ms}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if w := res.Items[0].Winner; w != ms[0].Name() {
		t.Errorf("winner %s, want %s (first of the tied models)", w, ms[0].Name())
	}
}

func TestRunSkipsBrokenModels(t *testing.T) {
	items := makeItems(3, 50, 3, noiseSeries)
	ms := []models.Model{brokenModel{"panic"}, brokenModel{"error"}, brokenModel{"nan"}, naive.Mean{}}
	res, err := Run(context.Background(), items, Config{Horizon: 5, Models: ms}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res.Items {
		if it.Winner != "HistoricAverage" || it.Failed {
			t.Errorf("%s: winner %s failed %v, want HistoricAverage", it.ID, it.Winner, it.Failed)
		}
		for _, m := range ms[:3] {
			if _, ok := it.Skipped[m.Name()]; !ok {
				t.Errorf("%s: %s not recorded as skipped (%v)", it.ID, m.Name(), it.Skipped)
			}
		}
		if !strings.Contains(it.Skipped["Broken-panic"], "panicked") {
			t.Errorf("panic reason %q", it.Skipped["Broken-panic"])
		}
	}
}

func TestRunEveryModelFails(t *testing.T) {
	items := makeItems(2, 30, 4, noiseSeries)
	res, err := Run(context.Background(), items, Config{Horizon: 4, Models: []models.Model{brokenModel{"panic"}, brokenModel{"error"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res.Items {
		if !it.Failed || it.Winner != "Naive" || len(it.Forecast.Mean) != 4 {
			t.Errorf("%s: failed %v winner %q forecast %v; want the Naive fallback", it.ID, it.Failed, it.Winner, it.Forecast.Mean)
		}
	}
	if res.Summary.Failed != 2 {
		t.Errorf("Summary.Failed = %d, want 2", res.Summary.Failed)
	}
}

func TestRunShortAndEmptySeries(t *testing.T) {
	nan := math.NaN()
	items := []series.Series{
		{ID: "tiny", Values: []float64{3, 4}},
		{ID: "short", Values: []float64{1, 2, 3, 4, 5, 6}},
		{ID: "empty", Values: []float64{nan, nan}},
		{ID: "new", Values: []float64{nan, nan, 5}},
	}
	res, err := Run(context.Background(), items, Config{Horizon: 14, Models: benchmarkModels()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tiny, short, empty, single := res.Items[0], res.Items[1], res.Items[2], res.Items[3]
	// A new item with one observation is forecast, at its value, with
	// intervals, and flagged.
	if single.Failed || single.Forecast.Mean[13] != 5 || len(single.Forecast.Intervals) != 2 || !strings.Contains(single.Note, "too short") {
		t.Errorf("single observation: %+v, want a flagged Naive forecast of 5 with intervals", single)
	}
	if res.Summary.NoBacktest != 2 {
		t.Errorf("%d items forecast without a backtest, want 2", res.Summary.NoBacktest)
	}
	if tiny.Winner != "Naive" || tiny.Windows != 0 || len(tiny.Forecast.Mean) != 14 || tiny.Failed {
		t.Errorf("tiny: %+v, want a Naive fallback without backtest", tiny)
	}
	if short.Windows != 1 || short.BacktestHorizon >= 14 || len(short.Forecast.Mean) != 14 {
		t.Errorf("short: %d windows of %d, %d forecasts", short.Windows, short.BacktestHorizon, len(short.Forecast.Mean))
	}
	if !empty.Failed || len(empty.Forecast.Mean) != 0 {
		t.Errorf("empty: %+v, want failed with no forecast", empty)
	}
}

func TestRunRefitsAfterFirstWindow(t *testing.T) {
	fits, refits := new(atomic.Int64), new(atomic.Int64)
	items := makeItems(4, 60, 5, noiseSeries)
	_, err := Run(context.Background(), items, Config{Horizon: 5, Windows: 3, Models: []models.Model{countingModel{fits, refits}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Per item: one Fit on the first window, one on the whole history, and a
	// Refit for each of the two later windows.
	if fits.Load() != 8 || refits.Load() != 8 {
		t.Errorf("fits %d refits %d, want 8 and 8", fits.Load(), refits.Load())
	}
}

func TestRunEstimateEveryWindowFitsAfresh(t *testing.T) {
	fits, refits := new(atomic.Int64), new(atomic.Int64)
	items := makeItems(4, 60, 5, noiseSeries)
	cfg := Config{Horizon: 5, Windows: 3, Models: []models.Model{countingModel{fits, refits}}, EstimateEveryWindow: true}
	if _, err := Run(context.Background(), items, cfg, nil); err != nil {
		t.Fatal(err)
	}
	// Per item: a Fit on each of the three windows and one on the whole
	// history; nothing is refitted.
	if fits.Load() != 16 || refits.Load() != 0 {
		t.Errorf("fits %d refits %d, want 16 and 0", fits.Load(), refits.Load())
	}
}

func TestRunConformalCoverage(t *testing.T) {
	// i.i.d. noise around a level: the mean model's 80% and 95% conformal
	// intervals should cover about that share of fresh draws.
	const items, n, h = 300, 200, 5
	data := makeItems(items, n+h, 6, noiseSeries)
	train := make([]series.Series, items)
	for i, s := range data {
		train[i] = series.Series{ID: s.ID, Values: s.Values[:n]}
	}
	res, err := Run(context.Background(), train, Config{Horizon: h, Windows: 10, Models: []models.Model{meanModel{}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	covered := map[float64]int{}
	for i, it := range res.Items {
		if !it.Conformal {
			t.Fatalf("%s: intervals not conformal", it.ID)
		}
		for _, iv := range it.Forecast.Intervals {
			for j := range h {
				if y := data[i].Values[n+j]; y >= iv.Lower[j] && y <= iv.Upper[j] {
					covered[iv.Level]++
				}
			}
		}
	}
	for _, level := range []float64{80, 95} {
		got := float64(covered[level]) / (items * h)
		t.Logf("%v%% conformal intervals covered %.3f", level, got)
		if math.Abs(got-level/100) > 0.05 {
			t.Errorf("%v%% intervals covered %.3f of new values", level, got)
		}
	}
}

func TestRunDeterministicAcrossWorkers(t *testing.T) {
	items := append(makeItems(20, 80, 7, seasonalSeries), makeItems(20, 80, 8, intermittentSeries)...)
	cfg := Config{Horizon: 7, Season: 7, Models: benchmarkModels()}
	var outs []string
	for _, workers := range []int{1, 4} {
		cfg.Workers = workers
		res, err := Run(context.Background(), items, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, fmt.Sprintf("%v", res.Items))
	}
	if outs[0] != outs[1] {
		t.Errorf("results differ between 1 and 4 workers")
	}
}

func TestRunProgressIsMonotonic(t *testing.T) {
	items := makeItems(50, 40, 9, noiseSeries)
	last, calls := -1, 0
	progress := func(done, total int, msg string) {
		calls++
		if done < last || total != len(items) {
			t.Errorf("progress(%d, %d) after %d", done, total, last)
		}
		last = done
	}
	_, err := Run(context.Background(), items, Config{Horizon: 3, Workers: 4, Models: benchmarkModels()}, progress)
	if err != nil {
		t.Fatal(err)
	}
	if last != len(items) || calls != len(items)+1 {
		t.Errorf("last progress %d after %d calls, want %d after %d", last, calls, len(items), len(items)+1)
	}
}

func TestRunCancellation(t *testing.T) {
	items := makeItems(500, 100, 10, noiseSeries)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	progress := func(done, total int, msg string) {
		if done == 10 {
			cancel()
		}
	}
	res, err := Run(ctx, items, Config{Horizon: 7, Workers: 2, Models: benchmarkModels()}, progress)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(res.Items) < 10 || len(res.Items) >= len(items) {
		t.Errorf("%d items finished after cancelling at 10 of %d", len(res.Items), len(items))
	}
	for k := 1; k < len(res.Items); k++ {
		if res.Items[k].Index <= res.Items[k-1].Index {
			t.Fatalf("partial results out of input order")
		}
	}
}

func TestRunSkipAndOnItem(t *testing.T) {
	items := makeItems(10, 40, 11, noiseSeries)
	skip := map[string]bool{items[0].ID: true, items[5].ID: true}
	var seen []string
	first := -1
	progress := func(done, total int, msg string) {
		if first < 0 {
			first = done
		}
	}
	cfg := Config{Horizon: 3, Models: benchmarkModels(), Skip: skip, OnItem: func(it ItemResult) { seen = append(seen, it.ID) }}
	res, err := Run(context.Background(), items, cfg, progress)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 8 || len(seen) != 8 || first != 2 {
		t.Errorf("%d results, %d OnItem calls, progress starting at %d; want 8, 8, 2", len(res.Items), len(seen), first)
	}
	for _, id := range seen {
		if skip[id] {
			t.Errorf("skipped item %s was run", id)
		}
	}
}

// TestStreamHandsOnItemWhatRunDoes checks that Stream, which keeps no
// result, runs the same items as Run and hands OnItem the same results.
func TestStreamHandsOnItemWhatRunDoes(t *testing.T) {
	items := makeItems(12, 60, 21, noiseSeries)
	skip := map[string]bool{items[3].ID: true}
	record := func(into map[string]ItemResult) Config {
		return Config{Horizon: 4, Windows: 2, Levels: []float64{80, 95}, Models: benchmarkModels(), Skip: skip,
			OnItem: func(it ItemResult) { into[it.ID] = it }}
	}
	fromRun, fromStream := map[string]ItemResult{}, map[string]ItemResult{}
	if _, err := Run(context.Background(), items, record(fromRun), nil); err != nil {
		t.Fatal(err)
	}
	first := -1
	progress := func(done, total int, msg string) {
		if first < 0 {
			first = done
		}
	}
	if err := Stream(context.Background(), items, record(fromStream), progress); err != nil {
		t.Fatal(err)
	}
	if len(fromStream) != 11 || first != 1 || fromStream[items[3].ID].ID != "" {
		t.Fatalf("Stream ran %d items, progress starting at %d; want 11 without the skipped one, from 1", len(fromStream), first)
	}
	for id, want := range fromRun {
		got := fromStream[id]
		if got.Calibration == nil || len(got.Forecast.Mean) == 0 {
			t.Errorf("item %s: Stream handed no forecast or calibration", id)
		}
		// Printed, not compared with reflect.DeepEqual: an unscored
		// model's NaN score equals nothing.
		if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
			t.Errorf("item %s: Stream handed\n%s\nRun handed\n%s", id, g, w)
		}
	}
	if err := Stream(context.Background(), items, Config{Horizon: 4, Models: benchmarkModels()}, nil); err == nil {
		t.Error("Stream without OnItem: no error")
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	ms := benchmarkModels()
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no horizon", Config{Models: ms}},
		{"no models", Config{Horizon: 3}},
		{"bad level", Config{Horizon: 3, Models: ms, Levels: []float64{100}}},
		{"bad metric", Config{Horizon: 3, Models: ms, Metric: "MAPE"}},
		{"negative windows", Config{Horizon: 3, Models: ms, Windows: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Run(context.Background(), nil, tt.cfg, nil); err == nil {
				t.Error("Run accepted a bad config")
			}
		})
	}
}

// searchModel stands for an automatic model: its fits can have their form
// reestimated and, unless reestimateOnly, their parameters refitted; it
// counts each kind of fit.
type searchModel struct {
	searches, refits, reestimates *atomic.Int64
	reestimateOnly                bool
}

func (searchModel) Name() string { return "Search" }

func (s searchModel) Fit(y []float64) (models.Fitted, error) {
	s.searches.Add(1)
	return s.fitted(meanOf(y)), nil
}

// fitted is a fit of mean; without Refit when s.reestimateOnly (as MSTL's).
func (s searchModel) fitted(mean float64) models.Fitted {
	f := searchFit{s, mean}
	if s.reestimateOnly {
		return reestimateOnlyFit{f}
	}
	return f
}

type searchFit struct {
	m    searchModel
	mean float64
}

func (f searchFit) InSample() []float64 { return nil }

func (f searchFit) Forecast(h int, _ []float64) (models.Forecast, error) {
	mean := make([]float64, h)
	for i := range mean {
		mean[i] = f.mean
	}
	return models.Forecast{Mean: mean}, nil
}

func (f searchFit) Refit(y []float64) (models.Fitted, error) {
	f.m.refits.Add(1)
	return f.m.fitted(meanOf(y)), nil
}

func (f searchFit) Reestimate(y []float64) (models.Fitted, error) {
	f.m.reestimates.Add(1)
	return f.m.fitted(meanOf(y)), nil
}

// reestimateOnlyFit is a searchFit that cannot be refitted.
type reestimateOnlyFit struct{ f searchFit }

func (r reestimateOnlyFit) InSample() []float64 { return nil }

func (r reestimateOnlyFit) Forecast(h int, l []float64) (models.Forecast, error) {
	return r.f.Forecast(h, l)
}

func (r reestimateOnlyFit) Reestimate(y []float64) (models.Fitted, error) { return r.f.Reestimate(y) }

func meanOf(y []float64) float64 {
	var s float64
	for _, v := range y {
		s += v
	}
	return s / float64(len(y))
}

// TestRunSearchesOncePerItem: an automatic model searches on the first
// window only. The later windows refit the first window's parameters when
// the fit can be refitted, and reestimate its form otherwise; the final
// forecast reestimates the form on the whole history. With every window
// estimated, each window and the final fit search afresh.
func TestRunSearchesOncePerItem(t *testing.T) {
	tests := []struct {
		name                                 string
		every, reestimateOnly                bool
		wantSearches, wantRefits, wantReests int64
	}{
		// Per item (4): one search, two refits, one reestimate.
		{"refit", false, false, 4, 8, 4},
		// Per item: one search, three reestimates.
		{"reestimate only", false, true, 4, 0, 12},
		// Per item: three windows and the final fit search.
		{"every window", true, false, 16, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := searchModel{new(atomic.Int64), new(atomic.Int64), new(atomic.Int64), tt.reestimateOnly}
			items := makeItems(4, 60, 5, noiseSeries)
			cfg := Config{Horizon: 5, Windows: 3, Models: []models.Model{m}, EstimateEveryWindow: tt.every}
			if _, err := Run(context.Background(), items, cfg, nil); err != nil {
				t.Fatal(err)
			}
			if m.searches.Load() != tt.wantSearches || m.refits.Load() != tt.wantRefits || m.reestimates.Load() != tt.wantReests {
				t.Errorf("%d searches, %d refits, %d reestimates; want %d, %d and %d", m.searches.Load(),
					m.refits.Load(), m.reestimates.Load(), tt.wantSearches, tt.wantRefits, tt.wantReests)
			}
		})
	}
}

// A flat series of 100 with one early bump (so that the naive scale is
// not zero) scores a model that forecasts 5 too high. Each window scales
// by the history it saw: 28, 32 and 36 periods, naive MAE 8/27, 8/31 and
// 8/35, so the bias is 5·(27+31+35)/(3·8). The backtest totals are 100 and
// 105 a period, and the run's bias for the class is +5%.
func TestRunReportsBias(t *testing.T) {
	v := slices.Repeat([]float64{100}, 40)
	v[1] = 104
	cfg := Config{Horizon: 4, Metric: metrics.MAE, Models: []models.Model{over}}
	res, err := Run(context.Background(), []series.Series{{ID: "flat", Values: v}}, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	it := res.Items[0]
	want := 5 * (27.0 + 31 + 35) / (3 * 8)
	if math.Abs(float64(it.Bias)-want) > 1e-9 || math.Abs(float64(it.Biases["Over"])-want) > 1e-9 {
		t.Errorf("bias %v (per model %v), want %v", it.Bias, it.Biases, want)
	}
	periods := float64(it.Windows * it.BacktestHorizon)
	if it.BacktestTotals != (Totals{Forecast: 105 * periods, Actual: 100 * periods}) {
		t.Errorf("backtest totals %+v over %v periods, want 105 and 100 a period", it.BacktestTotals, periods)
	}
	if got := res.Summary.BiasPercent[it.Class]; math.Abs(got-5) > 1e-9 {
		t.Errorf("bias of class %s = %v%%, want 5%%", it.Class, got)
	}
}

// Config.Suits keeps a model out of the items of a class it does not suit;
// a class for which it accepts no model runs every model.
func TestRunSuitsChoosesCandidatesByClass(t *testing.T) {
	items := append(makeItems(3, 60, 5, intermittentSeries), makeItems(3, 60, 6, noiseSeries)...)
	cfg := Config{Horizon: 7, Models: benchmarkModels(),
		Suits: func(model string, c sample.DemandClass) bool {
			switch c {
			case sample.Smooth:
				return model != "Naive"
			case sample.Intermittent, sample.Lumpy:
				return false
			}
			return true
		}}
	res, err := Run(context.Background(), items, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res.Items {
		_, hasNaive := it.Scores["Naive"]
		switch it.Class {
		case sample.Smooth:
			if hasNaive || len(it.Scores) != len(cfg.Models)-1 {
				t.Errorf("%s (smooth): scores %v, want every model but Naive", it.ID, it.Scores)
			}
		case sample.Intermittent, sample.Lumpy:
			if len(it.Scores) != len(cfg.Models) {
				t.Errorf("%s (%s): scores %v, want every model since none suits", it.ID, it.Class, it.Scores)
			}
		default:
			t.Fatalf("%s: unexpected class %s", it.ID, it.Class)
		}
	}
}

// explodingModel forecasts a trillion, as a diverged multiplicative
// Holt-Winters does on a series with values near zero.
type explodingModel struct{}

func (explodingModel) Name() string { return "Exploding" }

func (explodingModel) Fit(y []float64) (models.Fitted, error) {
	return constFit{level: 1e12, n: len(y)}, nil
}

// A diverged model is skipped as implausible, not scored (which would make
// its error dominate any mean) nor combined; and no bound of a
// non-negative item is negative. The skip failed before the guard: the
// model was scored and its forecast could win on a flat series.
func TestRunSkipsImplausibleForecasts(t *testing.T) {
	items := makeItems(4, 60, 3, intermittentSeries)
	cfg := Config{Horizon: 7, Models: []models.Model{explodingModel{}, naive.Mean{}, naive.Naive{}}, Ensemble: &EnsembleConfig{}}
	res, err := Run(context.Background(), items, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res.Items {
		if reason := it.Skipped["Exploding"]; !strings.Contains(reason, "implausible forecast") {
			t.Errorf("%s: Exploding skipped for %q, want an implausible forecast", it.ID, reason)
		}
		if slices.Contains(it.EnsembleMembers, "Exploding") || it.Winner == "Exploding" {
			t.Errorf("%s: the exploding model forecast", it.ID)
		}
		for _, iv := range it.Forecast.Intervals {
			if slices.Min(iv.Lower) < 0 {
				t.Errorf("%s: negative %v%% bound on non-negative demand", it.ID, iv.Level)
			}
		}
	}
}
