package theta_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
	"github.com/forecastrun/forecastrun/runner/models/theta"
)

func TestConformance(t *testing.T) {
	for _, season := range []int{1, 12} {
		t.Run(fmt.Sprint("season=", season), func(t *testing.T) { modeltest.Run(t, theta.New(season)) })
	}
}

// series is positive demand with an optional weekly pattern and a trend,
// seeded for reproducibility.
func series(n int, weekly bool, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 9))
	y := make([]float64, n)
	for t := range y {
		season := 1.0
		if weekly {
			season += 0.4 * math.Sin(2*math.Pi*float64(t)/7)
		}
		y[t] = (100 + 0.2*float64(t)) * season * (1 + 0.05*rng.NormFloat64())
	}
	return y
}

func noise(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 3))
	y := make([]float64, n)
	for t := range y {
		y[t] = 100 + 10*rng.NormFloat64()
	}
	return y
}

func TestSeasonalityDecision(t *testing.T) {
	tests := []struct {
		name   string
		season int
		y      []float64
		want   bool
	}{
		{"weekly pattern", 7, series(140, true, 1), true},
		// A strong trend correlates every lag, and thetaf's test then
		// reports seasonality too; we follow it.
		{"trend without pattern", 7, series(140, false, 1), true},
		{"season 1", 1, series(140, true, 1), false},
		{"two seasons only", 7, series(14, true, 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fit, err := theta.New(tt.season).Fit(tt.y)
			if err != nil {
				t.Fatal(err)
			}
			if got := fit.(*theta.Fitted).Seasonal(); got != tt.want {
				t.Fatalf("Seasonal() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSeasonalityFalseAlarms checks the level of the test: on white noise
// |r_m| exceeds 1.645 standard errors about 10% of the time.
func TestSeasonalityFalseAlarms(t *testing.T) {
	const trials = 300
	alarms := 0
	for seed := range uint64(trials) {
		fit, err := theta.New(7).Fit(noise(140, seed))
		if err != nil {
			t.Fatal(err)
		}
		if fit.(*theta.Fitted).Seasonal() {
			alarms++
		}
	}
	if rate := float64(alarms) / trials; rate < 0.04 || rate > 0.18 {
		t.Fatalf("seasonality found in %.0f%% of white-noise series, want about 10%%", 100*rate)
	}
}

func TestDriftFollowsTrend(t *testing.T) {
	// On a noiseless line SES tracks the last value (alpha near 1) and the
	// drift is half the slope, so the forecasts rise by half a slope a step.
	y := make([]float64, 50)
	for i := range y {
		y[i] = 10 + 4*float64(i)
	}
	fit, err := theta.New(1).Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	if d := fit.(*theta.Fitted).Drift(); math.Abs(d-2) > 1e-9 {
		t.Fatalf("drift %v, want 2", d)
	}
	fc, _ := fit.Forecast(5, nil)
	for i := 1; i < len(fc.Mean); i++ {
		if step := fc.Mean[i] - fc.Mean[i-1]; math.Abs(step-2) > 1e-9 {
			t.Fatalf("forecast rises by %v at step %d, want 2", step, i+1)
		}
	}
}

func TestRefit(t *testing.T) {
	y := series(200, true, 4)
	fit, err := theta.New(7).Fit(y[:150])
	if err != nil {
		t.Fatal(err)
	}
	re, err := fit.(models.Refitter).Refit(y)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := re.(*theta.Fitted).Alpha(), fit.(*theta.Fitted).Alpha(); a != b {
		t.Fatalf("refit changed alpha from %v to %v", b, a)
	}
	if len(re.InSample()) != len(y) {
		t.Fatalf("len(InSample()) = %d, want %d", len(re.InSample()), len(y))
	}
	if _, err := fit.(models.Refitter).Refit(y[:3]); !errors.Is(err, models.ErrTooShort) {
		t.Fatalf("refit on 3 points: %v, want ErrTooShort", err)
	}
}

func TestTooShort(t *testing.T) {
	if _, err := theta.New(1).Fit([]float64{1, 2, 3}); !errors.Is(err, models.ErrTooShort) {
		t.Fatalf("Fit on 3 points: %v, want ErrTooShort", err)
	}
}

func BenchmarkFit(b *testing.B) {
	for _, n := range []int{100, 730, 5000} {
		y := series(n, true, 1)
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := theta.New(7).Fit(y); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRefit(b *testing.B) {
	for _, n := range []int{100, 730, 5000} {
		fit, err := theta.New(7).Fit(series(n, true, 1))
		if err != nil {
			b.Fatal(err)
		}
		other := series(n, true, 2)
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := fit.(models.Refitter).Refit(other); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
