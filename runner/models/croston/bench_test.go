package croston

import (
	"fmt"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

var benchSizes = []int{100, 730, 5000}

// BenchmarkFit measures one fit and a 28-step forecast on a seeded series
// with demand in a quarter of the periods.
func BenchmarkFit(b *testing.B) {
	for _, m := range allModels() {
		for _, n := range benchSizes {
			y := modeltest.Intermittent(n, 0.25, 7)
			b.Run(fmt.Sprintf("%s/n=%d", m.Name(), n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					fit, err := m.Fit(y)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := fit.Forecast(28, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRefitTSB is what later backtest windows cost once the first has
// chosen TSB's constants.
func BenchmarkRefitTSB(b *testing.B) {
	for _, n := range benchSizes {
		y := modeltest.Intermittent(n, 0.25, 7)
		fit, err := TSB().Fit(y)
		if err != nil {
			b.Fatal(err)
		}
		refitter := fit.(models.Refitter)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := refitter.Refit(y); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
