package arima_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/arima"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

// dailySeries is a positive daily demand series with a weekly pattern, a
// slow trend and noise, seeded for reproducibility (as expsmooth's).
func dailySeries(n int) []float64 {
	return seasonalSeries(n, 7, 1)
}

// seasonalSeries has a sinusoidal pattern of period m on a rising level.
func seasonalSeries(n, m int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 42))
	y := make([]float64, n)
	for t := range y {
		season := 1 + 0.3*math.Sin(2*math.Pi*float64(t)/float64(m))
		y[t] = (100 + 0.05*float64(t)) * season * (1 + 0.1*rng.NormFloat64())
	}
	return y
}

func hourlySeries(n int) []float64 { return seasonalSeries(n, 24, 3) }

var levels = []float64{80, 95}

func BenchmarkFitForecast(b *testing.B) {
	modeltest.BenchmarkFitForecast(b, []models.Model{arima.Auto(7)}, []int{730}, dailySeries, 28, levels)
	modeltest.BenchmarkFitForecast(b, []models.Model{arima.Auto(24)}, []int{700}, hourlySeries, 48, levels)
	fixed := arima.New(arima.Order{P: 1, D: 1, Q: 1}, arima.Seasonal{Q: 1, D: 1}, 7, false)
	modeltest.BenchmarkFitForecast(b, []models.Model{fixed}, []int{730}, dailySeries, 28, levels)
}

func BenchmarkRefit(b *testing.B) {
	modeltest.BenchmarkRefit(b, []models.Model{arima.Auto(7)}, []int{730}, dailySeries)
	modeltest.BenchmarkRefit(b, []models.Model{arima.Auto(24)}, []int{700}, hourlySeries)
}

// BenchmarkAutoGoldens times Auto on the golden series, to compare with
// R's auto.arima on the same data.
func BenchmarkAutoGoldens(b *testing.B) {
	for _, g := range loadGoldens(b) {
		b.Run(g.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := arima.Auto(g.season).Fit(g.y); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAutoTruncated times Auto at n=730, season 7, with the search
// truncated to the last 300 observations (AutoOptions.Truncate).
func BenchmarkAutoTruncated(b *testing.B) {
	y := dailySeries(730)
	m := arima.AutoWith(7, arima.AutoOptions{Truncate: 300})
	b.ReportAllocs()
	for b.Loop() {
		fit, err := m.Fit(y)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := fit.Forecast(28, levels); err != nil {
			b.Fatal(err)
		}
	}
}
