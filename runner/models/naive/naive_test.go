package naive

import (
	"errors"
	"math"
	"sync"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

func allModels() []models.Model {
	return []models.Model{
		Naive{}, Seasonal{Season: 12}, Seasonal{Season: 1}, Drift{}, Mean{},
		WindowAverage{}, WindowAverage{Window: 1}, WindowAverage{Window: 30},
	}
}

func TestConformance(t *testing.T) {
	for _, m := range allModels() {
		t.Run(m.Name(), func(t *testing.T) { modeltest.Run(t, m) })
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		model models.Model
		want  string
	}{
		{Naive{}, "Naive"},
		{Seasonal{Season: 7}, "SeasonalNaive"},
		{Mean{}, "HistoricAverage"},
		{WindowAverage{Window: 3}, "WindowAverage"},
		{Drift{}, "RandomWalkWithDrift"},
	}
	for _, tt := range tests {
		if got := tt.model.Name(); got != tt.want {
			t.Errorf("%T.Name() = %q, want %q", tt.model, got, tt.want)
		}
	}
}

// Point forecasts worked out by hand from the definitions.
func TestPointForecasts(t *testing.T) {
	y := []float64{2, 4, 3, 9, 6, 8}
	tests := []struct {
		name  string
		model models.Model
		want  []float64
	}{
		{"naive repeats the last value", Naive{}, []float64{8, 8, 8, 8}},
		{"season 3 repeats the last cycle", Seasonal{Season: 3}, []float64{9, 6, 8, 9}},
		{"season 1 is naive", Seasonal{Season: 1}, []float64{8, 8, 8, 8}},
		{"season 0 is naive", Seasonal{}, []float64{8, 8, 8, 8}},
		{"drift adds (8-2)/5 per step", Drift{}, []float64{9.2, 10.4, 11.6, 12.8}},
		{"mean of all six", Mean{}, []float64{32.0 / 6, 32.0 / 6, 32.0 / 6, 32.0 / 6}},
		{"window of 2", WindowAverage{Window: 2}, []float64{7, 7, 7, 7}},
		{"window of 4", WindowAverage{Window: 4}, []float64{6.5, 6.5, 6.5, 6.5}},
		{"window longer than history", WindowAverage{Window: 50}, []float64{32.0 / 6, 32.0 / 6, 32.0 / 6, 32.0 / 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := mustForecast(t, tt.model, y, len(tt.want), nil)
			for i := range tt.want {
				if math.Abs(fc.Mean[i]-tt.want[i]) > 1e-12 {
					t.Fatalf("Mean = %v, want %v", fc.Mean, tt.want)
				}
			}
		})
	}
}

// Naive on y = 1, 3, 2: residuals 2 and -1, mse = 5/2, so the h-step standard
// deviation is sqrt(2.5 h).
func TestNaiveIntervalWidthGrowsWithSqrtH(t *testing.T) {
	fc := mustForecast(t, Naive{}, []float64{1, 3, 2}, 4, []float64{95})
	z := models.NormalQuantile(95)
	for i, hi := range fc.Intervals[0].Upper {
		want := 2 + z*math.Sqrt(2.5*float64(i+1))
		if math.Abs(hi-want) > 1e-12 {
			t.Errorf("step %d: upper %v, want %v", i+1, hi, want)
		}
	}
}

// Seasonal naive widens once per whole season ahead: steps 1..m share a width.
func TestSeasonalIntervalWidthStepsBySeason(t *testing.T) {
	y := []float64{1, 5, 2, 6, 3, 8, 2, 7}
	fc := mustForecast(t, Seasonal{Season: 2}, y, 6, []float64{80})
	width := func(i int) float64 { return fc.Intervals[0].Upper[i] - fc.Intervals[0].Lower[i] }
	for _, pair := range [][2]int{{0, 1}, {2, 3}, {4, 5}} {
		if width(pair[0]) != width(pair[1]) {
			t.Errorf("steps %d and %d differ in width: %v vs %v", pair[0]+1, pair[1]+1, width(pair[0]), width(pair[1]))
		}
	}
	if ratio := width(2) / width(0); math.Abs(ratio-math.Sqrt2) > 1e-12 {
		t.Errorf("second season width / first = %v, want sqrt(2)", ratio)
	}
}

// y = 5,7,4,6,5,8,5 has differences 2,-3,2,-1,3,-3: drift 0, squared
// residuals summing to 36 over 6 differences. With the drift's degree of
// freedom, mse = 36/5 = 7.2 and the drift's variance 7.2/6 = 1.2, so the
// one-step variance is 7.2 + 1.2.
func TestDriftAlwaysCostsADegreeOfFreedom(t *testing.T) {
	fc := mustForecast(t, Drift{}, []float64{5, 7, 4, 6, 5, 8, 5}, 2, []float64{95})
	z := models.NormalQuantile(95)
	for i, want := range []float64{5 + z*math.Sqrt(7.2+1.2), 5 + z*math.Sqrt(2*7.2+4*1.2)} {
		if got := fc.Intervals[0].Upper[i]; math.Abs(got-want) > 1e-12 {
			t.Errorf("step %d: upper %v, want %v", i+1, got, want)
		}
	}
}

func TestWindowAverageInSample(t *testing.T) {
	y := []float64{4, 8, 6, 2, 10}
	got := mustFit(t, WindowAverage{Window: 2}, y).InSample()
	want := []float64{math.NaN(), 4, 6, 7, 4}
	for i := range want {
		if !(got[i] == want[i] || math.IsNaN(got[i]) && math.IsNaN(want[i])) {
			t.Fatalf("InSample = %v, want %v", got, want)
		}
	}
}

func TestWindowAverageDefaultWindow(t *testing.T) {
	y := make([]float64, 30)
	for i := range y {
		y[i] = float64(i)
	}
	got := mustForecast(t, WindowAverage{}, y, 1, nil).Mean[0]
	want := mustForecast(t, WindowAverage{Window: DefaultWindow}, y, 1, nil).Mean[0]
	if got != want || want != 26 {
		t.Errorf("Window 0 forecasts %v, DefaultWindow forecasts %v; want both 26", got, want)
	}
}

// The window interval is meanf's interval on the last k points.
func TestWindowAverageIntervalIsMeanfOnWindow(t *testing.T) {
	y := []float64{100, -50, 3, 7, 5, 9}
	window := mustForecast(t, WindowAverage{Window: 4}, y, 2, []float64{80, 95})
	mean := mustForecast(t, Mean{}, y[2:], 2, []float64{80, 95})
	for k := range window.Intervals {
		for i := range 2 {
			if window.Intervals[k].Lower[i] != mean.Intervals[k].Lower[i] || window.Intervals[k].Upper[i] != mean.Intervals[k].Upper[i] {
				t.Fatalf("level %v: window interval differs from meanf on the window", window.Intervals[k].Level)
			}
		}
	}
	if one := mustForecast(t, WindowAverage{Window: 1}, y, 2, []float64{80}); one.HasIntervals() {
		t.Errorf("a one-point window gave intervals")
	}
}

func TestFitErrors(t *testing.T) {
	tests := []struct {
		model models.Model
		n     int
	}{
		{Naive{}, 1},
		{Seasonal{Season: 4}, 4},
		{Drift{}, 2},
		{Mean{}, 1},
		{WindowAverage{}, 0},
	}
	for _, tt := range tests {
		if _, err := tt.model.Fit(make([]float64, tt.n)); !errors.Is(err, models.ErrTooShort) {
			t.Errorf("%s on %d points: error %v, want ErrTooShort", tt.model.Name(), tt.n, err)
		}
		if _, err := tt.model.Fit(make([]float64, tt.n+1)); err != nil {
			t.Errorf("%s on %d points: %v", tt.model.Name(), tt.n+1, err)
		}
	}
}

func TestForecastErrors(t *testing.T) {
	for _, m := range allModels() {
		fit := mustFit(t, m, rampSeries(20))
		if _, err := fit.Forecast(0, nil); !errors.Is(err, models.ErrBadHorizon) {
			t.Errorf("%s: Forecast(0) error %v, want ErrBadHorizon", m.Name(), err)
		}
		if m == (WindowAverage{Window: 1}) {
			continue // gives no intervals, so has no level to refuse
		}
		if _, err := fit.Forecast(3, []float64{100}); err == nil {
			t.Errorf("%s: level 100 accepted", m.Name())
		}
	}
}

// A Fitted value must not alias the caller's slice: the tournament reuses
// its buffers between fits.
func TestFitDoesNotAliasInput(t *testing.T) {
	for _, m := range allModels() {
		y := rampSeries(20)
		fit := mustFit(t, m, y)
		before := mustForecastFit(t, fit, 3).Mean
		for i := range y {
			y[i] = -1
		}
		after := mustForecastFit(t, fit, 3).Mean
		for i := range before {
			if before[i] != after[i] {
				t.Errorf("%s: forecast changed after the caller overwrote y", m.Name())
				break
			}
		}
	}
}

func rampSeries(n int) []float64 {
	y := make([]float64, n)
	for i := range y {
		y[i] = float64(i%5) + 0.5*float64(i)
	}
	return y
}

func mustFit(t *testing.T, m models.Model, y []float64) models.Fitted {
	t.Helper()
	fit, err := m.Fit(y)
	if err != nil {
		t.Fatalf("%s.Fit: %v", m.Name(), err)
	}
	return fit
}

func mustForecastFit(t *testing.T, fit models.Fitted, h int) models.Forecast {
	t.Helper()
	fc, err := fit.Forecast(h, nil)
	if err != nil {
		t.Fatalf("Forecast: %v", err)
	}
	return fc
}

func mustForecast(t *testing.T, m models.Model, y []float64, h int, levels []float64) models.Forecast {
	t.Helper()
	fc, err := mustFit(t, m, y).Forecast(h, levels)
	if err != nil {
		t.Fatalf("%s.Forecast: %v", m.Name(), err)
	}
	return fc
}

// The Student t quantile cache is the package's only shared state: fitting
// and forecasting from several goroutines must give the sequential answers
// (run with -race to check the cache too).
func TestConcurrentForecastsAgree(t *testing.T) {
	ms := []models.Model{Mean{}, WindowAverage{Window: 5}}
	want := make([]float64, 40)
	for i := range want {
		fc := mustForecast(t, ms[i%2], rampSeries(10+i), 1, []float64{90})
		want[i] = fc.Intervals[0].Upper[0]
	}
	studentQuantiles.Clear() // so the goroutines fill the cache concurrently
	got := make([]float64, len(want))
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			fit, err := ms[i%2].Fit(rampSeries(10 + i))
			if err != nil {
				return
			}
			if fc, err := fit.Forecast(1, []float64{90}); err == nil {
				got[i] = fc.Intervals[0].Upper[0]
			}
		})
	}
	wg.Wait()
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("fit %d: concurrent upper bound %v, sequential %v", i, got[i], want[i])
		}
	}
}
