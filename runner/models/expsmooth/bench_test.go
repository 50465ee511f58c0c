package expsmooth_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/expsmooth"
)

// dailySeries is a positive daily demand series with a weekly pattern, a
// slow trend and noise, seeded for reproducibility.
func dailySeries(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 42))
	y := make([]float64, n)
	for t := range y {
		week := 1 + 0.3*math.Sin(2*math.Pi*float64(t)/7)
		y[t] = (100 + 0.05*float64(t)) * week * (1 + 0.1*rng.NormFloat64())
	}
	return y
}

var benchModels = []models.Model{
	expsmooth.SES(),
	expsmooth.Holt(),
	expsmooth.DampedHolt(),
	expsmooth.HoltWinters(7, expsmooth.Additive),
	expsmooth.HoltWinters(7, expsmooth.Multiplicative),
}

// BenchmarkFilterPass times one pass of the seasonal filter, the unit
// of a fit's cost (evals/op in BenchmarkFit counts the passes of the search).
func BenchmarkFilterPass(b *testing.B) {
	for _, n := range []int{100, 730, 5000} {
		y := dailySeries(n, 1)
		p := expsmooth.Params{Alpha: 0.3, Beta: 0.01, Gamma: 0.1, Phi: 1}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				expsmooth.FilterPassForBenchmark(p, 7, y)
			}
		})
	}
}

func BenchmarkFit(b *testing.B) {
	for _, m := range benchModels {
		for _, n := range []int{100, 730, 5000} {
			y := dailySeries(n, 1)
			b.Run(fmt.Sprintf("%s/n=%d", m.Name(), n), func(b *testing.B) {
				b.ReportAllocs()
				var evals int
				for b.Loop() {
					fit, err := m.Fit(y)
					if err != nil {
						b.Fatal(err)
					}
					evals = expsmooth.Evals(fit.(*expsmooth.Fitted))
				}
				b.ReportMetric(float64(evals), "evals/op")
			})
		}
	}
}

func BenchmarkRefit(b *testing.B) {
	for _, m := range benchModels {
		for _, n := range []int{100, 730, 5000} {
			y := dailySeries(n, 1)
			fit, err := m.Fit(y)
			if err != nil {
				b.Fatal(err)
			}
			other := dailySeries(n, 2)
			b.Run(fmt.Sprintf("%s/n=%d", m.Name(), n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := fit.(models.Refitter).Refit(other); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkForecast(b *testing.B) {
	y := dailySeries(730, 1)
	for _, m := range benchModels {
		fit, err := m.Fit(y)
		if err != nil {
			b.Fatal(err)
		}
		for _, h := range []int{14, 56} {
			b.Run(fmt.Sprintf("%s/h=%d", m.Name(), h), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := fit.Forecast(h, []float64{80, 95}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
