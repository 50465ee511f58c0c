package adida

import (
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

var benchSizes = []int{100, 730, 5000}

// sparse is a seeded series with demand in a quarter of the periods.
func sparse(n int) []float64 { return modeltest.Intermittent(n, 0.25, 7) }

// BenchmarkFit measures one fit and a 28-step forecast.
func BenchmarkFit(b *testing.B) {
	modeltest.BenchmarkFitForecast(b, []models.Model{ADIDA(), IMAPA()}, benchSizes, sparse, 28, nil)
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
	modeltest.BenchmarkRefit(b, []models.Model{ADIDA(), IMAPA()}, benchSizes, sparse)
}
