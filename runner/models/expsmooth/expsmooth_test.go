package expsmooth_test

import (
	"errors"
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/expsmooth"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

func TestConformance(t *testing.T) {
	for _, m := range []models.Model{
		expsmooth.SES(),
		expsmooth.Holt(),
		expsmooth.DampedHolt(),
		expsmooth.HoltWinters(12, expsmooth.Additive),
		expsmooth.HoltWinters(12, expsmooth.Multiplicative),
	} {
		t.Run(m.Name(), func(t *testing.T) { modeltest.Run(t, m) })
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		model models.Model
		want  string
	}{
		{expsmooth.SES(), "SES"},
		{expsmooth.Holt(), "Holt"},
		{expsmooth.DampedHolt(), "DampedHolt"},
		{expsmooth.HoltWinters(7, expsmooth.Additive), "HoltWintersAdditive"},
		{expsmooth.HoltWinters(7, expsmooth.Multiplicative), "HoltWintersMultiplicative"},
	}
	for _, tt := range tests {
		if got := tt.model.Name(); got != tt.want {
			t.Errorf("Name() = %q, want %q", got, tt.want)
		}
	}
}

func TestFitErrors(t *testing.T) {
	withZero := dailySeries(60, 3)
	withZero[10] = 0
	tests := []struct {
		name  string
		model models.Model
		y     []float64
		want  error
	}{
		{"SES too short", expsmooth.SES(), dailySeries(6, 1), models.ErrTooShort},
		{"Holt too short", expsmooth.Holt(), dailySeries(8, 1), models.ErrTooShort},
		{"HW under two seasons", expsmooth.HoltWinters(7, expsmooth.Additive), dailySeries(15, 1), models.ErrTooShort},
		{"HW season 1", expsmooth.HoltWinters(1, expsmooth.Additive), dailySeries(100, 1), models.ErrTooShort},
		{"HW season 0", expsmooth.HoltWinters(0, expsmooth.Multiplicative), dailySeries(100, 1), models.ErrTooShort},
		{"multiplicative with a zero", expsmooth.HoltWinters(7, expsmooth.Multiplicative), withZero, models.ErrNonPositive},
		{"multiplicative with a negative", expsmooth.HoltWinters(7, expsmooth.Multiplicative), negate(dailySeries(60, 1)), models.ErrNonPositive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.model.Fit(tt.y)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Fit error = %v, want %v", err, tt.want)
			}
		})
	}
}

func negate(y []float64) []float64 {
	for i := range y {
		y[i] = -y[i]
	}
	return y
}

func TestForecastFollowsSignal(t *testing.T) {
	// A noiseless line, and a noiseless weekly pattern on a line: Holt and
	// Holt-Winters must extrapolate them almost exactly.
	line := make([]float64, 60)
	seasonal := make([]float64, 84)
	pattern := []float64{3, -1, 4, -1, -5, 9, -2}
	for t := range line {
		line[t] = 10 + 2*float64(t)
	}
	for t := range seasonal {
		seasonal[t] = 50 + 0.5*float64(t) + pattern[t%7]
	}
	tests := []struct {
		model models.Model
		y     []float64
		next  func(t int) float64
	}{
		{expsmooth.Holt(), line, func(t int) float64 { return 10 + 2*float64(t) }},
		{expsmooth.DampedHolt(), line, nil},
		{expsmooth.HoltWinters(7, expsmooth.Additive), seasonal, func(t int) float64 { return 50 + 0.5*float64(t) + pattern[t%7] }},
	}
	for _, tt := range tests {
		t.Run(tt.model.Name(), func(t *testing.T) {
			fit, err := tt.model.Fit(tt.y)
			if err != nil {
				t.Fatal(err)
			}
			fc, err := fit.Forecast(14, nil)
			if err != nil {
				t.Fatal(err)
			}
			n := len(tt.y)
			for i, got := range fc.Mean {
				if tt.next == nil {
					// Damping bends the line but must not reverse it.
					if got < tt.y[n-1] || (i > 0 && got < fc.Mean[i-1]) {
						t.Fatalf("step %d: damped forecast %v does not continue the rise", i+1, got)
					}
					continue
				}
				if want := tt.next(n + i); math.Abs(got-want) > 1e-3*math.Abs(want) {
					t.Fatalf("step %d: forecast %v, want %v", i+1, got, want)
				}
			}
		})
	}
}

func TestRefit(t *testing.T) {
	y := dailySeries(400, 5)
	for _, m := range benchModels {
		t.Run(m.Name(), func(t *testing.T) {
			fit, err := m.Fit(y[:300])
			if err != nil {
				t.Fatal(err)
			}
			refitter, ok := fit.(models.Refitter)
			if !ok {
				t.Fatal("fitted model does not implement models.Refitter")
			}
			re, err := refitter.Refit(y)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(re.InSample()); got != len(y) {
				t.Fatalf("len(InSample()) = %d after refit, want %d", got, len(y))
			}
			if got, want := re.(*expsmooth.Fitted).Params(), fit.(*expsmooth.Fitted).Params(); got != want {
				t.Fatalf("refit changed the parameters: %+v, fitted %+v", got, want)
			}
			// Refitting on the same history gives back the fitted model's
			// quality: same parameters, initial states re-estimated.
			same, err := refitter.Refit(y[:300])
			if err != nil {
				t.Fatal(err)
			}
			if a, b := same.(*expsmooth.Fitted).SSE(), fit.(*expsmooth.Fitted).SSE(); a > b*1.05 {
				t.Fatalf("refit on the same data has SSE %v, fit %v", a, b)
			}
			if _, err := refitter.Refit(y[:5]); !errors.Is(err, models.ErrTooShort) {
				t.Fatalf("refit on 5 points: error %v, want ErrTooShort", err)
			}
		})
	}
}

// TestConcurrentFits fits one model value from several goroutines: a model
// is immutable configuration, so the results must equal a sequential fit
// (run with -race to check for shared state).
func TestConcurrentFits(t *testing.T) {
	y := dailySeries(200, 9)
	for _, m := range benchModels {
		want, err := m.Fit(y)
		if err != nil {
			t.Fatal(err)
		}
		wantFc, _ := want.Forecast(7, nil)
		got := make([]models.Fitted, 4)
		done := make(chan int)
		for g := range got {
			go func() {
				got[g], _ = m.Fit(y)
				done <- g
			}()
		}
		for range got {
			<-done
		}
		for _, f := range got {
			fc, _ := f.Forecast(7, nil)
			for i := range fc.Mean {
				if fc.Mean[i] != wantFc.Mean[i] {
					t.Fatalf("%s: concurrent fit forecasts %v, sequential %v", m.Name(), fc.Mean, wantFc.Mean)
				}
			}
		}
	}
}
