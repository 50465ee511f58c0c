package mstl_test

import (
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
	"github.com/forecastrun/forecastrun/runner/models/mstl"
)

func TestConformance(t *testing.T) {
	modeltest.Run(t, mstl.New(12))
	modeltest.Run(t, mstl.New(4, 12))
}

// twoSeasons is a level with a daily and a weekly pattern of hourly data
// and a little noise.
func twoSeasons(n int) []float64 {
	y := make([]float64, n)
	for t := range y {
		day := 10 * math.Sin(2*math.Pi*float64(t)/24)
		week := 0.0
		if (t/24)%7 >= 5 {
			week = -15 // weekends are quiet
		}
		y[t] = 100 + day + week + math.Sin(float64(t)*1.7)
	}
	return y
}

// Both seasons are continued: the forecast of a weekend hour is the
// weekend's level, of a weekday hour the weekday's.
func TestForecastsBothSeasons(t *testing.T) {
	y := twoSeasons(24 * 7 * 6)
	fit, err := mstl.New(24, 168).Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	h := 24 * 7
	fc, err := fit.Forecast(h, nil)
	if err != nil {
		t.Fatal(err)
	}
	next := twoSeasons(len(y) + h)[len(y):]
	for j, want := range next {
		if math.Abs(fc.Mean[j]-want) > 2.5 {
			t.Fatalf("step %d: %.2f, want about %.2f", j+1, fc.Mean[j], want)
		}
	}
	if got := fit.(*mstl.Fitted).Periods(); len(got) != 2 {
		t.Errorf("periods used %v, want both", got)
	}
}

// A history shorter than two weeks drops the weekly period, as R's mstl
// does, and one shorter than two days is AutoETS alone.
func TestDropsPeriodsTooLongForTheHistory(t *testing.T) {
	for _, tt := range []struct {
		n    int
		used int
	}{{24 * 10, 1}, {40, 0}} {
		fit, err := mstl.New(24, 168).Fit(twoSeasons(tt.n))
		if err != nil {
			t.Fatal(err)
		}
		if got := fit.(*mstl.Fitted).Periods(); len(got) != tt.used {
			t.Errorf("n=%d: periods used %v, want %d", tt.n, got, tt.used)
		}
	}
}

// Reestimate keeps the seasonally adjusted series' ETS form and forecasts
// like a fresh fit on a longer history up to the estimates.
func TestReestimate(t *testing.T) {
	y := twoSeasons(24 * 7 * 6)
	first, err := mstl.New(24, 168).Fit(y[:24*7*5])
	if err != nil {
		t.Fatal(err)
	}
	again, err := first.(models.Reestimator).Reestimate(y)
	if err != nil {
		t.Fatal(err)
	}
	fresh, _ := mstl.New(24, 168).Fit(y)
	a, _ := again.Forecast(24, nil)
	b, _ := fresh.Forecast(24, nil)
	for j := range a.Mean {
		if math.Abs(a.Mean[j]-b.Mean[j]) > 1 {
			t.Fatalf("step %d: reestimated %.3f, fresh %.3f", j+1, a.Mean[j], b.Mean[j])
		}
	}
	if len(again.InSample()) != len(y) {
		t.Errorf("in-sample length %d, want %d", len(again.InSample()), len(y))
	}
}

// Refit on a longer history keeps the seasonally adjusted series' ETS
// form and parameters, and forecasts like a fresh fit up to the
// estimates; on the same history it reproduces the fit.
func TestRefit(t *testing.T) {
	y := twoSeasons(24 * 7 * 6)
	first, err := mstl.New(24, 168).Fit(y[:24*7*5])
	if err != nil {
		t.Fatal(err)
	}
	same, err := first.(models.Refitter).Refit(y[:24*7*5])
	if err != nil {
		t.Fatal(err)
	}
	a, _ := first.Forecast(24, nil)
	b, _ := same.Forecast(24, nil)
	for j := range a.Mean {
		if a.Mean[j] != b.Mean[j] {
			t.Fatalf("step %d: refitted on the same history %v, fitted %v", j+1, b.Mean[j], a.Mean[j])
		}
	}
	longer, err := first.(models.Refitter).Refit(y)
	if err != nil {
		t.Fatal(err)
	}
	fresh, _ := mstl.New(24, 168).Fit(y)
	a, _ = longer.Forecast(24, nil)
	b, _ = fresh.Forecast(24, nil)
	for j := range a.Mean {
		if math.Abs(a.Mean[j]-b.Mean[j]) > 1 {
			t.Fatalf("step %d: refitted %.3f, fresh %.3f", j+1, a.Mean[j], b.Mean[j])
		}
	}
	if len(longer.InSample()) != len(y) {
		t.Errorf("in-sample length %d, want %d", len(longer.InSample()), len(y))
	}
}

func TestNewIgnoresShortAndRepeatedPeriods(t *testing.T) {
	m := mstl.New(168, 1, 24, 24, 0)
	if got := m.Periods(); len(got) != 2 || got[0] != 24 || got[1] != 168 {
		t.Errorf("periods %v, want [24 168]", got)
	}
}

func BenchmarkFit(b *testing.B) {
	modeltest.BenchmarkFitForecast(b, []models.Model{mstl.New(24, 168)}, []int{700, 1000}, twoSeasons, 48, nil)
}
