package croston

import (
	"errors"
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

func allModels() []Model {
	return []Model{Classic(), SBA(), TSB(), Optimized(Classic()), Optimized(SBA())}
}

func TestConformance(t *testing.T) {
	for _, m := range allModels() {
		t.Run(m.Name(), func(t *testing.T) { modeltest.Run(t, m) })
	}
}

func TestNames(t *testing.T) {
	want := map[string]Model{"CrostonClassic": Classic(), "CrostonSBA": SBA(), "TSB": TSB()}
	for name, m := range want {
		if m.Name() != name {
			t.Errorf("Name() = %q, want %q", m.Name(), name)
		}
	}
	if (Model{}).Name() != "CrostonClassic" {
		t.Errorf("zero Model is %q, want CrostonClassic", Model{}.Name())
	}
}

// Forecasts worked out by hand from the recursions.
func TestHandComputed(t *testing.T) {
	tests := []struct {
		name   string
		model  Model
		params params
		y      []float64
		want   float64
	}{
		// First demand at period 2 sets size 3, interval 2; the second, three
		// periods later: size .1·6+.9·3 = 3.3, interval .1·3+.9·2 = 2.1.
		{"classic two demands", Classic(), params{Alpha, Alpha}, []float64{0, 3, 0, 0, 6}, 3.3 / 2.1},
		{"sba two demands", SBA(), params{Alpha, Alpha}, []float64{0, 3, 0, 0, 6}, 0.95 * 3.3 / 2.1},
		{"classic single demand", Classic(), params{Alpha, Alpha}, []float64{0, 0, 5, 0}, 5.0 / 3},
		{"classic demand in the first period", Classic(), params{Alpha, Alpha}, []float64{4, 0, 0}, 4},
		// Start: size 3 (mean of 2 and 4), probability 2/3. Period 1 (demand
		// 2): p 5/6, size 2.5. Period 2 (none): p 5/12. Period 3 (demand 4):
		// p 17/24, size 3.25.
		{"tsb", TSB(), params{0.5, 0.5}, []float64{2, 0, 4}, 17.0 / 24 * 3.25},
		{"tsb all zero", TSB(), params{0.5, 0.5}, []float64{0, 0, 0}, 0},
		{"classic all zero", Classic(), params{Alpha, Alpha}, []float64{0, 0}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.model.fitWith(tt.y, tt.params).level
			if math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("forecast %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAllZeroForecastsZero(t *testing.T) {
	for _, m := range allModels() {
		fit, err := m.Fit(make([]float64, 30))
		if err != nil {
			t.Fatalf("%s: %v", m.Name(), err)
		}
		fc, _ := fit.Forecast(5, nil)
		for i, v := range append(fc.Mean, fit.InSample()...) {
			if v != 0 {
				t.Fatalf("%s: value %d is %v, want 0", m.Name(), i, v)
			}
		}
	}
}

func TestFitErrors(t *testing.T) {
	for _, m := range allModels() {
		if _, err := m.Fit(nil); !errors.Is(err, models.ErrTooShort) {
			t.Errorf("%s on no data: %v, want ErrTooShort", m.Name(), err)
		}
		if _, err := m.Fit([]float64{1, -1, 2}); !errors.Is(err, models.ErrNonPositive) {
			t.Errorf("%s on negative demand: %v, want ErrNonPositive", m.Name(), err)
		}
	}
}

func TestNoIntervals(t *testing.T) {
	for _, m := range allModels() {
		fit, _ := m.Fit([]float64{0, 2, 0, 3})
		fc, err := fit.Forecast(3, []float64{80, 95})
		if err != nil || fc.HasIntervals() {
			t.Errorf("%s: intervals %v, error %v; want none and no error", m.Name(), fc.Intervals, err)
		}
	}
}

// TSB lowers its forecast through a run of zeros (obsolescence); Croston
// does not move until the next demand.
func TestTSBDecaysAfterDemandStops(t *testing.T) {
	y := modeltest.Intermittent(60, 0.4, 3)
	stopped := append(append([]float64(nil), y...), make([]float64, 12)...)
	// The optimised methods start at the history's means, which the empty
	// periods change, so only the fixed-start ones are compared.
	for _, m := range []Model{Classic(), SBA(), TSB()} {
		before := m.fitWith(y, params{0.1, 0.1}).level
		after := m.fitWith(stopped, params{0.1, 0.1}).level
		if m.method == tsb && !(after < before) {
			t.Errorf("TSB: %v after 12 empty periods, %v before; want lower", after, before)
		}
		if m.method != tsb && after != before {
			t.Errorf("%s: %v after 12 empty periods, %v before; want unchanged", m.Name(), after, before)
		}
	}
}

// The chosen constants must be in bounds and at least as good as the
// default and every point of a coarse grid, up to the search tolerance.
func TestTSBOptimisation(t *testing.T) {
	for seed := range uint64(30) {
		y := modeltest.Intermittent(80, 0.1+0.02*float64(seed), seed)
		p := optimiseTSB(y)
		if p.size < MinSmoothing || p.size > MaxSmoothing || p.occurrence < MinSmoothing || p.occurrence > MaxSmoothing {
			t.Fatalf("seed %d: constants %+v out of bounds", seed, p)
		}
		_, best := TSB().filter(y, p, nil)
		for a := MinSmoothing; a <= MaxSmoothing; a += 0.049 {
			for b := MinSmoothing; b <= MaxSmoothing; b += 0.049 {
				if _, sse := TSB().filter(y, params{a, b}, nil); sse < best*(1-1e-3) {
					t.Errorf("seed %d: grid point (%.3f, %.3f) has SSE %v, chosen %+v has %v", seed, a, b, sse, p, best)
				}
			}
		}
	}
}

func TestRefitKeepsParameters(t *testing.T) {
	first, later := modeltest.Intermittent(50, 0.3, 1), modeltest.Intermittent(62, 0.3, 2)
	for _, m := range allModels() {
		fit, _ := m.Fit(first)
		refit, err := fit.(models.Refitter).Refit(later)
		if err != nil {
			t.Fatalf("%s: Refit: %v", m.Name(), err)
		}
		want := m.fitWith(later, fit.(*fitted).params).level
		got, _ := refit.Forecast(1, nil)
		if got.Mean[0] != want {
			t.Errorf("%s: Refit forecasts %v, want %v from the first fit's constants", m.Name(), got.Mean[0], want)
		}
		if len(refit.InSample()) != len(later) {
			t.Errorf("%s: Refit InSample has %d values for %d observations", m.Name(), len(refit.InSample()), len(later))
		}
	}
}

func TestClassicInSampleStartsUndefined(t *testing.T) {
	fit, _ := Classic().Fit([]float64{0, 0, 3, 0, 1})
	got := fit.InSample()
	if !math.IsNaN(got[0]) || got[1] != 0 || got[2] != 0 || got[3] != 1 {
		t.Errorf("InSample = %v, want [NaN 0 0 1 ...]: nothing known at the start, zero before the first demand", got)
	}
}

// The search's branch-free error sum must agree with the recursion it
// stands in for.
func TestTSBSearchErrorMatchesRecursion(t *testing.T) {
	for seed := range uint64(5) {
		y := modeltest.Intermittent(200, 0.3, seed)
		for _, p := range []params{{0.1, 0.1}, {0.01, 0.5}, {0.37, 0.02}} {
			_, want := TSB().filter(y, p, nil)
			got := tsbSSE(y, newState(tsb, p, y), p)
			if math.Abs(got-want) > 1e-9*want {
				t.Errorf("seed %d %+v: search SSE %v, recursion %v", seed, p, got, want)
			}
		}
	}
}

func TestRunningRate(t *testing.T) {
	// Ten periods: the rate is held at its value after the third (30%).
	y := []float64{0, 3, 0, 1, 0, 0, 2, 0, 0, 4}
	want := []float64{1, 1, 1, 1, 0.8, 4.0 / 6, 6.0 / 7, 0.75, 6.0 / 9, 1}
	got := runningRate(y)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("runningRate = %v, want %v", got, want)
		}
	}
}

// The optimised methods start at the mean size (3) and mean interval (2)
// and smooth the intervals with their own constant, which also sets SBA's
// deflation.
func TestOptimizedStartsAtTheMeans(t *testing.T) {
	y := []float64{0, 2, 0, 4}
	p := params{size: 0.5, occurrence: 0.2}
	fit := Optimized(Classic()).fitWith(y, p)
	// Period 2 (demand 2 after 2 periods): size 2.5, interval 2. Period
	// 4: size 3.25, interval 2.
	if got := fit.inSample[0]; got != 1.5 {
		t.Errorf("first in-sample forecast %v, want 3/2 from the means", got)
	}
	if math.Abs(fit.level-3.25/2) > 1e-12 {
		t.Errorf("Classic forecast %v, want %v", fit.level, 3.25/2)
	}
	sba := Optimized(SBA()).fitWith(y, p)
	if math.Abs(sba.level-0.9*3.25/2) > 1e-12 {
		t.Errorf("SBA forecast %v, want %v (deflated by 1 - 0.2/2)", sba.level, 0.9*3.25/2)
	}
	if Optimized(TSB()) != TSB() || Optimized(Classic()).Name() != "CrostonClassic" {
		t.Error("Optimized changed TSB or a name")
	}
}

// The chosen constants are in bounds and no worse by the rate error than
// any point of a coarse grid, up to the search tolerance.
func TestOptimizedMinimisesTheRateError(t *testing.T) {
	for seed := range uint64(20) {
		y := modeltest.Intermittent(60, 0.1+0.03*float64(seed), seed)
		for _, m := range []Model{Optimized(Classic()), Optimized(SBA())} {
			p := m.optimiseRate(y)
			if p.size < MinSmoothing || p.size > MaxSmoothing || p.occurrence < MinSmoothing || p.occurrence > MaxSmoothing {
				t.Fatalf("seed %d %s: constants %+v out of bounds", seed, m.Name(), p)
			}
			cost := func(p params) float64 {
				target := runningRate(y)
				var c float64
				for t, f := range m.fitWith(y, p).inSample {
					c += math.Abs(f - target[t])
				}
				return c
			}
			best := cost(p)
			for a := MinSmoothing; a <= MaxSmoothing; a += 0.049 {
				for b := MinSmoothing; b <= MaxSmoothing; b += 0.049 {
					if c := cost(params{a, b}); c < best*(1-1e-2) {
						t.Errorf("seed %d %s: grid point (%.3f, %.3f) costs %v, chosen %+v %v", seed, m.Name(), a, b, c, p, best)
					}
				}
			}
		}
	}
}

// The search's branch-free rate error must equal, to the bit, the error of
// the forecasts of the recursion it stands in for, for both methods, with
// and without demand in the last period.
func TestRateErrorMatchesRecursion(t *testing.T) {
	tests := []struct {
		name string
		m    Model
		y    []float64
	}{
		{"Classic, sparse", Optimized(Classic()), modeltest.Intermittent(200, 0.2, 1)},
		{"Classic, dense", Optimized(Classic()), modeltest.Intermittent(150, 0.8, 2)},
		{"SBA, sparse", Optimized(SBA()), modeltest.Intermittent(200, 0.2, 3)},
		{"SBA, demand last", Optimized(SBA()), append(modeltest.Intermittent(90, 0.3, 4), 5)},
		{"Classic, one demand", Optimized(Classic()), []float64{0, 0, 0, 7, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := runningRate(tt.y)
			for _, p := range []params{{0.1, 0.1}, {0.01, 0.5}, {0.37, 0.02}, {0.5, 0.5}} {
				var want float64
				for i, f := range tt.m.fitWith(tt.y, p).inSample {
					want += math.Abs(f - target[i])
				}
				got := rateError(tt.y, target, newMeanState(tt.m.method, params{}, tt.y), p)
				if got != want {
					t.Errorf("%+v: rate error %v, recursion %v", p, got, want)
				}
			}
		})
	}
}
