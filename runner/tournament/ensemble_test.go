package tournament

import (
	"context"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/forecastrun/forecastrun/runner/metrics"
	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/registry"
	"github.com/forecastrun/forecastrun/runner/series"
)

func TestEnsembleNameMatchesRegistry(t *testing.T) {
	if EnsembleName != registry.Ensemble {
		t.Fatalf("tournament calls the ensemble %q, the registry %q", EnsembleName, registry.Ensemble)
	}
}

// TestEnsembleMembersLeaveOneWindowOut sets per-window scores by hand and
// checks which models window k's ensemble combines (top 2 of 4, models
// 0..3 in simplicity order).
func TestEnsembleMembersLeaveOneWindowOut(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name   string
		scores [][]float64 // [model][window]
		want   [][]int     // [window] member indices
	}{
		{
			// Model 0 is lucky on window 1 only: it joins the ensembles of
			// the other windows, where window 1 counts, but not window 1's.
			name:   "a lucky window does not pick itself",
			scores: [][]float64{{4.5, 0, 4.5}, {3, 3, 3}, {4, 4, 4}, {5, 5, 5}},
			want:   [][]int{{0, 1}, {1, 2}, {0, 1}},
		},
		{
			name:   "ties keep simplicity order",
			scores: [][]float64{{5, 5, 5}, {2, 2, 2}, {2, 2, 2}, {2, 2, 2}},
			want:   [][]int{{1, 2}, {1, 2}, {1, 2}},
		},
		{
			name:   "nothing scored elsewhere ranks last",
			scores: [][]float64{{1, nan, nan}, {3, 3, 3}, {4, 4, 4}, {5, 5, 5}},
			want:   [][]int{{1, 2}, {0, 1}, {0, 1}},
		},
		{
			name:   "one window ranks on itself",
			scores: [][]float64{{4}, {1}, {3}, {2}},
			want:   [][]int{{1, 3}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, p := workerWithScores(tt.scores)
			backtested := []candidate{{index: 0}, {index: 1}, {index: 2}, {index: 3}}
			for k, want := range tt.want {
				if got := w.membersWithout(backtested, k, p); !slices.Equal(got, want) {
					t.Errorf("window %d: members %v, want %v", k, got, want)
				}
			}
		})
	}
}

func workerWithScores(scores [][]float64) (*worker, plan) {
	cfg := Config{Models: make([]models.Model, len(scores)), Ensemble: &EnsembleConfig{TopK: 2}}
	p := plan{windows: len(scores[0]), horizon: 1}
	w := newWorker(&cfg)
	for _, row := range scores {
		w.windowScores = append(w.windowScores, row...)
	}
	return w, p
}

func TestCombine(t *testing.T) {
	tests := []struct {
		how  Combine
		vals []float64
		want float64
	}{
		{CombineMedian, []float64{5, 1, 30}, 5},
		{CombineMedian, []float64{4, 1}, 2.5},
		{CombineMean, []float64{5, 1, 30}, 12},
	}
	for _, tt := range tests {
		if got := tt.how.of(slices.Clone(tt.vals)); got != tt.want {
			t.Errorf("%s of %v = %v, want %v", tt.how, tt.vals, got, tt.want)
		}
	}
}

// offsetModel forecasts the last value plus offset, without intervals.
type offsetModel struct {
	name   string
	offset float64
}

func (m offsetModel) Name() string { return m.name }

func (m offsetModel) Fit(y []float64) (models.Fitted, error) {
	return constFit{level: y[len(y)-1] + m.offset, n: len(y)}, nil
}

var (
	over  = offsetModel{"Over", 5}
	under = offsetModel{"Under", -5}
	far   = offsetModel{"Far", 30}
)

// TestEnsembleOnFlatItem plays a flat series, on which each model's error
// is its offset, with MAE, so every score is exact.
func TestEnsembleOnFlatItem(t *testing.T) {
	tests := []struct {
		name       string
		models     []models.Model
		ensemble   EnsembleConfig
		winner     string
		score      float64 // the ensemble's; NaN when it has none
		forecast   float64
		members    []string
		noEnsemble bool
	}{
		// Two models err in opposite directions: their mean is exact, and
		// the ensemble of what fitted wins.
		{name: "opposite errors cancel", models: []models.Model{over, under}, winner: EnsembleName, score: 0, forecast: 100, members: []string{"Over", "Under"}},
		// The median of +5, -5 and +30 is Over's forecast: a tie, which the
		// single model wins.
		{name: "median ties go to the model", models: []models.Model{over, under, far}, ensemble: EnsembleConfig{Combine: CombineMedian}, winner: "Over", score: 5, forecast: 105},
		{name: "mean of three", models: []models.Model{over, under, far}, winner: "Over", score: 10, forecast: 105},
		// With a margin of 1 the ensemble is preferred unless a model's
		// score is below half of its own: 10 < 5·2 does not hold.
		{name: "margin 1: twice as good wins alone", models: []models.Model{over, under, far}, ensemble: EnsembleConfig{Margin: 1}, winner: "Over", score: 10, forecast: 105},
		// With a margin of 1.5 the ensemble (mean 110) is preferred over
		// Over, whose score 5 is not below 10/2.5 = 4.
		{name: "margin 1.5: the ensemble is preferred", models: []models.Model{over, under, far}, ensemble: EnsembleConfig{Margin: 1.5}, winner: EnsembleName, score: 10, forecast: 110, members: []string{"Over", "Under", "Far"}},
		{name: "top two", models: []models.Model{far, over, under}, ensemble: EnsembleConfig{TopK: 2}, winner: EnsembleName, score: 0, forecast: 100, members: []string{"Over", "Under"}},
		{name: "one model fits: no ensemble", models: []models.Model{brokenModel{"error"}, over}, winner: "Over", noEnsemble: true, forecast: 105},
	}
	flat := []series.Series{{ID: "flat", Values: slices.Repeat([]float64{100}, 40)}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Horizon: 4, Metric: metrics.MAE, Models: tt.models, Ensemble: &tt.ensemble}
			res, err := Run(context.Background(), flat, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			it := res.Items[0]
			score, scored := it.Scores[EnsembleName]
			if _, skipped := it.Skipped[EnsembleName]; scored == tt.noEnsemble || skipped != tt.noEnsemble {
				t.Fatalf("ensemble scored %v, skipped %v (%v); want an ensemble: %v", scored, skipped, it.Skipped, !tt.noEnsemble)
			}
			if it.Winner != tt.winner || it.Forecast.Mean[0] != tt.forecast || (scored && float64(score) != tt.score) {
				t.Errorf("winner %s forecast %v ensemble score %v; want %s, %v, %v", it.Winner, it.Forecast.Mean[0], score, tt.winner, tt.forecast, tt.score)
			}
			if !slices.Equal(it.EnsembleMembers, tt.members) {
				t.Errorf("members %v, want %v", it.EnsembleMembers, tt.members)
			}
			if it.Winner == EnsembleName && (!it.Conformal || len(it.Forecast.Intervals) != 2) {
				t.Errorf("ensemble intervals: conformal %v, %d levels", it.Conformal, len(it.Forecast.Intervals))
			}
		})
	}
}

// TestEnsembleChangesNothingElse runs the same items with and without the
// ensemble. The models' scores and skips must be identical, and every item
// the ensemble does not win must have the same result, but for its
// intervals, which are calibrated over every item's errors.
func TestEnsembleChangesNothingElse(t *testing.T) {
	items := append(makeItems(10, 90, 12, seasonalSeries), makeItems(10, 90, 13, intermittentSeries)...)
	items = append(items, makeItems(10, 90, 16, noiseSeries)...)
	cfg := Config{Horizon: 7, Season: 7, Models: append(registry.All(7), brokenModel{"nan"})}
	off, err := Run(context.Background(), items, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Ensemble = &EnsembleConfig{}
	on, err := Run(context.Background(), items, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := append(slices.Clone(off.Models), EnsembleName); !slices.Equal(on.Models, want) {
		t.Errorf("models with the ensemble %v, want %v", on.Models, want)
	}
	ensembleWins := 0
	for i, a := range off.Items {
		b := on.Items[i]
		if _, ok := a.Scores[EnsembleName]; ok || slices.Contains(off.Models, EnsembleName) {
			t.Fatalf("%s: ensemble present while off", a.ID)
		}
		b.Scores, b.Skipped, b.Biases = without(b.Scores, EnsembleName), without(b.Skipped, EnsembleName), without(b.Biases, EnsembleName)
		if b.Winner == EnsembleName {
			ensembleWins++
			if !maps.Equal(a.Scores, b.Scores) || !maps.Equal(a.Skipped, b.Skipped) {
				t.Errorf("%s: model scores changed with the ensemble", a.ID)
			}
			continue
		}
		a.Forecast.Intervals, b.Forecast.Intervals = nil, nil
		if !reflect.DeepEqual(a.Calibration, b.Calibration) {
			t.Errorf("%s: calibration changed with the ensemble", a.ID)
		}
		a.Calibration, b.Calibration = nil, nil
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%s: result changed with the ensemble:\n off %v\n on  %v", a.ID, a, b)
		}
	}
	t.Logf("the ensemble won %d of %d items", ensembleWins, len(items))
}

// without returns m without key. (The items here always have a skipped
// model, so no map becomes empty.)
func without[V any](m map[string]V, key string) map[string]V {
	out := maps.Clone(m)
	delete(out, key)
	return out
}

func TestEnsembleDeterministicAcrossWorkers(t *testing.T) {
	items := append(makeItems(20, 80, 14, seasonalSeries), makeItems(20, 80, 15, noiseSeries)...)
	cfg := Config{Horizon: 7, Season: 7, Models: benchmarkModels(), Ensemble: &EnsembleConfig{}}
	var outs []string
	for _, workers := range []int{1, 3} {
		cfg.Workers = workers
		res, err := Run(context.Background(), items, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, fmt.Sprint(res.Items))
	}
	if outs[0] != outs[1] {
		t.Errorf("results differ between 1 and 3 workers")
	}
}

func TestEnsembleRejectsBadConfig(t *testing.T) {
	for _, e := range []EnsembleConfig{{TopK: 1}, {TopK: -2}, {Combine: "mode"}, {Margin: -0.1}, {Margin: math.NaN()}, {Margin: math.Inf(1)}} {
		cfg := Config{Horizon: 3, Models: benchmarkModels(), Ensemble: &e}
		if _, err := Run(context.Background(), nil, cfg, nil); err == nil {
			t.Errorf("Run accepted ensemble %+v", e)
		}
	}
}
