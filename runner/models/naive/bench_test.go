package naive

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

var benchSizes = []int{100, 730, 5000}

// benchSeries is a seeded daily-looking series with a weekly cycle.
func benchSeries(n int) []float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	y := make([]float64, n)
	for i := range y {
		y[i] = 100 + 0.05*float64(i) + 10*math.Sin(2*math.Pi*float64(i)/7) + 5*rng.NormFloat64()
	}
	return y
}

// BenchmarkFitForecast measures what the tournament pays per backtest window:
// one fit and one 28-step forecast with 80 and 95% intervals.
func BenchmarkFitForecast(b *testing.B) {
	ms := []models.Model{Naive{}, Seasonal{Season: 7}, Drift{}, Mean{}, WindowAverage{}}
	modeltest.BenchmarkFitForecast(b, ms, benchSizes, benchSeries, 28, []float64{80, 95})
}
