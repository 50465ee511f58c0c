package adida

import (
	"errors"
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

// Neither method is in R's forecast package, so these tests check the
// definitions directly: hand-computed cases, the aggregation levels, and
// properties every forecast must have.

func TestConformance(t *testing.T) {
	for _, m := range []Model{ADIDA(), IMAPA()} {
		t.Run(m.Name(), func(t *testing.T) { modeltest.Run(t, m) })
	}
}

func TestNames(t *testing.T) {
	if ADIDA().Name() != "ADIDA" || IMAPA().Name() != "IMAPA" {
		t.Errorf("names %q, %q; want ADIDA, IMAPA", ADIDA().Name(), IMAPA().Name())
	}
}

func TestDemandIntervals(t *testing.T) {
	tests := []struct {
		name        string
		y           []float64
		wantMean    float64
		wantLongest int
	}{
		{"every third period", []float64{0, 0, 3, 0, 0, 1, 0, 0, 2}, 3, 3},
		{"first interval counts from the start", []float64{0, 0, 0, 0, 5, 1}, 3, 5},
		{"trailing zeros are not an interval", []float64{1, 0, 1, 0, 0, 0, 0}, 1.5, 2},
		{"no demand", []float64{0, 0, 0}, 1, 1},
		{"every period", []float64{2, 2, 2}, 1, 1},
		{"a return (negative) is not demand", []float64{0, -1, 0, 2}, 4, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mean, longest := demandIntervals(tt.y)
			if mean != tt.wantMean || longest != tt.wantLongest {
				t.Errorf("got mean %v longest %d, want %v and %d", mean, longest, tt.wantMean, tt.wantLongest)
			}
		})
	}
}

func TestADIDALevelRounds(t *testing.T) {
	tests := []struct {
		y    []float64
		want int
	}{
		{[]float64{0, 1, 0, 0, 1}, 3},       // mean 2.5 rounds up
		{[]float64{0, 0, 0, 1, 0, 1, 1}, 2}, // mean 7/3
		{[]float64{0, 0, 0, 0}, 1},
	}
	for _, tt := range tests {
		if got := adidaLevel(tt.y); got != tt.want {
			t.Errorf("adidaLevel(%v) = %d, want %d", tt.y, got, tt.want)
		}
	}
}

func TestIMAPALevels(t *testing.T) {
	y := []float64{0, 2, 0, 0, 0, 0, 1, 0, 3}
	got := IMAPA().levels(y)
	if len(got) != 5 {
		t.Fatalf("%d levels, want 1..5 (the longest interval)", len(got))
	}
	for i, l := range got {
		if l.size != i+1 {
			t.Errorf("level %d has size %d", i, l.size)
		}
	}
}

func TestBucketSumsDropOldest(t *testing.T) {
	got := bucketSums(prefixSums([]float64{1, 2, 3, 4, 5, 6, 7}), 3, make([]float64, 7))
	if len(got) != 2 || got[0] != 9 || got[1] != 18 {
		t.Errorf("bucketSums = %v, want [9 18]", got)
	}
}

// y = 0,2,0,4,0,6: demand every 2 periods, so buckets of 2 summing to
// 2, 4, 6. SSE = 4 + (4-2a)^2 falls with a, so a = MaxAlpha = 0.3; the
// forecast after the buckets is 2 + 2a + a(4 - 2a) = 3.62 per bucket.
func TestADIDAHandComputed(t *testing.T) {
	fit := mustFit(t, ADIDA(), []float64{0, 2, 0, 4, 0, 6}).(*fitted)
	if fit.levels[0].size != 2 || fit.levels[0].alpha != MaxAlpha {
		t.Fatalf("levels %+v, want size 2 with alpha %v", fit.levels, MaxAlpha)
	}
	assertFloats(t, "forecast", []float64{fit.forecast}, []float64{3.62 / 2})
	assertFloats(t, "in-sample", fit.InSample(), []float64{math.NaN(), math.NaN(), 1, 1, 1.3, 1.3})
}

// y = 0,6: levels 1 and 2. Level 1 has two values, too few to fit alpha, so
// it keeps MinAlpha: 0 + 0.1·6 = 0.6. Level 2 is one bucket of 6, i.e. 3 per
// period. IMAPA averages them; ADIDA (mean interval 2) is level 2 alone.
func TestIMAPAHandComputed(t *testing.T) {
	y := []float64{0, 6}
	assertFloats(t, "IMAPA", mustForecast(t, IMAPA(), y), []float64{1.8})
	assertFloats(t, "ADIDA", mustForecast(t, ADIDA(), y), []float64{3})
}

func TestIMAPAIsMeanOverLevels(t *testing.T) {
	y := modeltest.Intermittent(120, 0.2, 3)
	fit := mustFit(t, IMAPA(), y).(*fitted)
	var sum float64
	for _, l := range fit.levels {
		sum += ADIDA().fitWith(prefixSums(y), []level{l}, nil).forecast
	}
	assertFloats(t, "forecast", []float64{fit.forecast}, []float64{sum / float64(len(fit.levels))})
}

func TestDegenerateSeries(t *testing.T) {
	both := []Model{ADIDA(), IMAPA()}
	tests := []struct {
		name   string
		models []Model
		y      []float64
		want   float64
	}{
		{"constant", both, []float64{4, 4, 4, 4, 4, 4, 4, 4, 4, 4}, 4},
		{"all zero", both, make([]float64, 50), 0},
		{"single observation", both, []float64{5}, 5},
		// Buckets of 3 each hold one demand of 3, so ADIDA sees a constant
		// series. IMAPA's levels 1 and 2 see the pattern as noise instead.
		{"periodic demand", []Model{ADIDA()}, []float64{0, 0, 3, 0, 0, 3, 0, 0, 3, 0, 0, 3}, 1},
	}
	for _, tt := range tests {
		for _, m := range tt.models {
			t.Run(tt.name+"/"+m.Name(), func(t *testing.T) {
				assertFloats(t, "forecast", mustForecast(t, m, tt.y), []float64{tt.want})
			})
		}
	}
}

func TestFitErrors(t *testing.T) {
	for _, m := range []Model{ADIDA(), IMAPA()} {
		if _, err := m.Fit(nil); !errors.Is(err, models.ErrTooShort) {
			t.Errorf("%s on no data: %v, want ErrTooShort", m.Name(), err)
		}
		fit := mustFit(t, m, []float64{1, 0, 2})
		if _, err := fit.Forecast(0, nil); !errors.Is(err, models.ErrBadHorizon) {
			t.Errorf("%s: Forecast(0): %v, want ErrBadHorizon", m.Name(), err)
		}
	}
}

func TestRefitKeepsLevelsAndAlphas(t *testing.T) {
	first, later := modeltest.Intermittent(60, 0.25, 1), modeltest.Intermittent(90, 0.5, 2)
	for _, m := range []Model{ADIDA(), IMAPA()} {
		fit := mustFit(t, m, first).(*fitted)
		refit, err := fit.Refit(later)
		if err != nil {
			t.Fatalf("%s: Refit: %v", m.Name(), err)
		}
		want := m.fitWith(prefixSums(later), fit.levels, nil).forecast
		if got := refit.(*fitted).forecast; got != want {
			t.Errorf("%s: Refit forecast %v, want %v from the first fit's levels", m.Name(), got, want)
		}
	}
}

func TestRefitDropsLevelsLongerThanHistory(t *testing.T) {
	fit := mustFit(t, IMAPA(), []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 4}).(*fitted)
	refit, err := fit.Refit([]float64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(refit.(*fitted).levels); got != 3 {
		t.Errorf("%d levels after refitting 3 points, want 3", got)
	}
}

func assertFloats(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) < len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.IsNaN(want[i]) && math.IsNaN(got[i]) {
			continue
		}
		if !(math.Abs(got[i]-want[i]) <= 1e-12*math.Max(1, math.Abs(want[i]))) {
			t.Fatalf("%s = %v, want %v", what, got, want)
		}
	}
}

func mustFit(t *testing.T, m Model, y []float64) models.Fitted {
	t.Helper()
	fit, err := m.Fit(y)
	if err != nil {
		t.Fatalf("%s.Fit: %v", m.Name(), err)
	}
	return fit
}

func mustForecast(t *testing.T, m Model, y []float64) []float64 {
	t.Helper()
	fc, err := mustFit(t, m, y).Forecast(1, nil)
	if err != nil {
		t.Fatalf("%s.Forecast: %v", m.Name(), err)
	}
	return fc.Mean
}

// The in-sample values, built from prefix sums and a difference array, must
// equal the definition computed the slow way: per level, sum each bucket,
// run SES over the sums, spread each one-step forecast over its bucket;
// then average the levels covering each period.
func TestInSampleMatchesDefinition(t *testing.T) {
	y := modeltest.Intermittent(97, 0.3, 5)
	y[3] = 2.7 // a fractional demand, so sums are not all integers
	fit := mustFit(t, IMAPA(), y).(*fitted)
	sum := make([]float64, len(y))
	count := make([]float64, len(y))
	for _, l := range fit.levels {
		k, drop := l.size, len(y)%l.size
		var next float64
		for j := 0; drop+(j+1)*k <= len(y); j++ {
			var bucket float64
			for _, v := range y[drop+j*k : drop+(j+1)*k] {
				bucket += v
			}
			if j == 0 {
				next = bucket
				continue
			}
			for t := drop + j*k; t < drop+(j+1)*k; t++ {
				sum[t] += next / float64(k)
				count[t]++
			}
			next += l.alpha * (bucket - next)
		}
	}
	got := fit.InSample()
	for i := range y {
		want := sum[i] / count[i] // NaN where no level covers the period
		if math.IsNaN(want) != math.IsNaN(got[i]) || math.Abs(got[i]-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Fatalf("InSample[%d] = %v, want %v", i, got[i], want)
		}
	}
}

// An item first sold near the end of its history has one very long
// interval, so IMAPA uses hundreds of levels; it must still fit.
func TestIMAPALateFirstDemand(t *testing.T) {
	y := make([]float64, 730)
	for t := 700; t < 730; t += 3 {
		y[t] = 2
	}
	fit := mustFit(t, IMAPA(), y).(*fitted)
	if len(fit.levels) != 701 {
		t.Errorf("%d levels, want 701 (the lead-in counts as an interval)", len(fit.levels))
	}
	if fc := mustForecast(t, IMAPA(), y); !(fc[0] > 0 && fc[0] < 2) {
		t.Errorf("forecast %v, want between 0 and the demand size 2", fc[0])
	}
}
