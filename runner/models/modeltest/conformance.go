package modeltest

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
)

// Series returns the named test series the suite fits every model on. They
// are long enough for any seasonal model with a season up to 12.
func Series() map[string][]float64 {
	rng := rand.New(rand.NewPCG(7, 11))
	const n = 96
	seasonal := make([]float64, n)
	intermittent := make([]float64, n)
	for i := range n {
		seasonal[i] = 50 + 0.3*float64(i) + 10*math.Sin(2*math.Pi*float64(i)/12) + rng.NormFloat64()
		if rng.Float64() < 0.3 {
			intermittent[i] = float64(1 + rng.IntN(5))
		}
	}
	constant := make([]float64, n)
	zeros := make([]float64, n)
	for i := range constant {
		constant[i] = 7
	}
	return map[string][]float64{
		"seasonal":     seasonal,
		"intermittent": intermittent,
		"constant":     constant,
		"zeros":        zeros,
	}
}

// Run checks the contract of models.Model on m. A model may refuse a series
// with one of the models errors (for example a multiplicative model on zeros),
// but whatever it returns must honour the contract.
func Run(t *testing.T, m models.Model) {
	t.Helper()
	if m.Name() == "" {
		t.Fatalf("model has an empty name")
	}
	for name, y := range Series() {
		t.Run(name, func(t *testing.T) { checkSeries(t, m, y) })
	}
}

func checkSeries(t *testing.T, m models.Model, y []float64) {
	levels := []float64{80, 95}
	const h = 14
	fit, err := m.Fit(y)
	if err != nil {
		if !errors.Is(err, models.ErrTooShort) && !errors.Is(err, models.ErrNonPositive) && !errors.Is(err, models.ErrNotConverged) {
			t.Fatalf("Fit: error %v is not one of the models errors", err)
		}
		return
	}
	if got := len(fit.InSample()); got != len(y) {
		t.Errorf("len(InSample()) = %d, want %d", got, len(y))
	}
	fc, err := fit.Forecast(h, levels)
	if err != nil {
		t.Fatalf("Forecast: %v", err)
	}
	checkForecast(t, fc, h, levels)
	checkPointForecast(t, fit, fc, h)
	again, err := m.Fit(y)
	if err != nil {
		t.Fatalf("second Fit: %v", err)
	}
	fc2, _ := again.Forecast(h, levels)
	for i := range fc.Mean {
		if fc.Mean[i] != fc2.Mean[i] {
			t.Fatalf("not deterministic: step %d forecast %v then %v", i+1, fc.Mean[i], fc2.Mean[i])
		}
	}
	if _, err := fit.Forecast(0, levels); err == nil {
		t.Errorf("Forecast(0) returned no error")
	}
}

// checkPointForecast: a forecast without intervals (a backtest's, which
// models may compute more cheaply) has the means of the forecast with
// them, bit for bit.
func checkPointForecast(t *testing.T, fit models.Fitted, withIntervals models.Forecast, h int) {
	point, err := fit.Forecast(h, nil)
	if err != nil {
		t.Fatalf("Forecast without levels: %v", err)
	}
	if len(point.Mean) != h {
		t.Fatalf("Forecast without levels: len(Mean) = %d, want %d", len(point.Mean), h)
	}
	for i := range withIntervals.Mean {
		if point.Mean[i] != withIntervals.Mean[i] {
			t.Fatalf("step %d: point forecast %v, the mean with intervals %v", i+1, point.Mean[i], withIntervals.Mean[i])
		}
	}
}

func checkForecast(t *testing.T, fc models.Forecast, h int, levels []float64) {
	if len(fc.Mean) != h {
		t.Fatalf("len(Mean) = %d, want %d", len(fc.Mean), h)
	}
	for i, v := range fc.Mean {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("Mean[%d] = %v", i, v)
		}
	}
	if !fc.HasIntervals() {
		return
	}
	if len(fc.Intervals) != len(levels) {
		t.Fatalf("%d intervals for %d levels", len(fc.Intervals), len(levels))
	}
	for k, iv := range fc.Intervals {
		if iv.Level != levels[k] || len(iv.Lower) != h || len(iv.Upper) != h {
			t.Fatalf("interval %d: level %v with %d/%d bounds", k, iv.Level, len(iv.Lower), len(iv.Upper))
		}
		for i := range h {
			lo, hi := iv.Lower[i], iv.Upper[i]
			if math.IsNaN(lo) || math.IsNaN(hi) || lo > fc.Mean[i]+1e-9 || hi < fc.Mean[i]-1e-9 {
				t.Fatalf("level %v step %d: [%v, %v] does not contain mean %v", iv.Level, i+1, lo, hi, fc.Mean[i])
			}
			if k > 0 {
				prev := fc.Intervals[k-1]
				if lo > prev.Lower[i]+1e-9 || hi < prev.Upper[i]-1e-9 {
					t.Fatalf("step %d: %v%% interval narrower than %v%%", i+1, iv.Level, prev.Level)
				}
			}
		}
	}
}

// Intermittent returns a seeded series of n periods in which about share of
// the periods have a demand of 1 to 10 units and the rest are zero.
func Intermittent(n int, share float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 42))
	y := make([]float64, n)
	for i := range y {
		if rng.Float64() < share {
			y[i] = float64(1 + rng.IntN(10))
		}
	}
	return y
}
