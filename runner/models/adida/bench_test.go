package adida

import (
	"fmt"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

var benchSizes = []int{100, 730, 5000}

// BenchmarkFit measures one fit and a 28-step forecast on a seeded series
// with demand in a quarter of the periods.
func BenchmarkFit(b *testing.B) {
	for _, m := range []Model{ADIDA(), IMAPA()} {
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

// BenchmarkIMAPALateFirstDemand is the costliest realistic IMAPA case: an
// item first sold near the end of two years of daily history, so about 700
// aggregation levels.
func BenchmarkIMAPALateFirstDemand(b *testing.B) {
	y := make([]float64, 730)
	for t := 700; t < 730; t += 3 {
		y[t] = 2
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := IMAPA().Fit(y); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRefit is what later backtest windows cost.
func BenchmarkRefit(b *testing.B) {
	for _, m := range []Model{ADIDA(), IMAPA()} {
		for _, n := range benchSizes {
			y := modeltest.Intermittent(n, 0.25, 7)
			fit, err := m.Fit(y)
			if err != nil {
				b.Fatal(err)
			}
			refitter := fit.(*fitted)
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
