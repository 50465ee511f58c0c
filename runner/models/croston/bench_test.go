package croston

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
	ms := make([]models.Model, 0, 3)
	for _, m := range allModels() {
		ms = append(ms, m)
	}
	modeltest.BenchmarkFitForecast(b, ms, benchSizes, sparse, 28, nil)
}

// BenchmarkRefitTSB is what later backtest windows cost once the first has
// chosen TSB's constants.
func BenchmarkRefitTSB(b *testing.B) {
	modeltest.BenchmarkRefit(b, []models.Model{TSB()}, benchSizes, sparse)
}
