package modeltest

import (
	"fmt"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
)

// BenchmarkFitForecast measures one fit and an h-step forecast at levels
// for every model on series(n) for every n in sizes, as sub-benchmarks
// named "<model>/n=<n>".
func BenchmarkFitForecast(b *testing.B, ms []models.Model, sizes []int, series func(n int) []float64, h int, levels []float64) {
	for _, m := range ms {
		for _, n := range sizes {
			y := series(n)
			b.Run(fmt.Sprintf("%s/n=%d", m.Name(), n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					fit, err := m.Fit(y)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := fit.Forecast(h, levels); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRefit measures models.Refitter.Refit, what the tournament's later
// backtest windows cost, after one fit on the same series.
func BenchmarkRefit(b *testing.B, ms []models.Model, sizes []int, series func(n int) []float64) {
	for _, m := range ms {
		for _, n := range sizes {
			y := series(n)
			fit, err := m.Fit(y)
			if err != nil {
				b.Fatal(err)
			}
			refitter, ok := fit.(models.Refitter)
			if !ok {
				b.Fatalf("%s does not implement models.Refitter", m.Name())
			}
			b.Run(fmt.Sprintf("%s/n=%d", m.Name(), n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := refitter.Refit(y); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
