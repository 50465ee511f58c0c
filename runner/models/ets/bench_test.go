package ets_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/ets"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

// seasonalSeries is a positive demand series with a season of m, a slow
// trend and noise, seeded for reproducibility.
func seasonalSeries(m int) func(n int) []float64 {
	return func(n int) []float64 {
		rng := rand.New(rand.NewPCG(uint64(n), uint64(m)))
		y := make([]float64, n)
		for t := range y {
			season := 1 + 0.3*math.Sin(2*math.Pi*float64(t)/float64(m))
			y[t] = (100 + 0.05*float64(t)) * season * (1 + 0.1*rng.NormFloat64())
		}
		return y
	}
}

var levels = []float64{80, 95}

func BenchmarkDaily(b *testing.B) {
	ms := []models.Model{ets.Auto(7), ets.New(7, ets.Spec{Error: ets.Multiplicative, Trend: ets.Damped, Season: ets.Multiplicative})}
	modeltest.BenchmarkFitForecast(b, ms, []int{730}, seasonalSeries(7), 28, levels)
}

func BenchmarkHourly(b *testing.B) {
	ms := []models.Model{ets.Auto(24)}
	modeltest.BenchmarkFitForecast(b, ms, []int{700}, seasonalSeries(24), 48, levels)
}

func BenchmarkRefitDaily(b *testing.B) {
	modeltest.BenchmarkRefit(b, []models.Model{ets.Auto(7)}, []int{730}, seasonalSeries(7))
}

func BenchmarkRefitHourly(b *testing.B) {
	modeltest.BenchmarkRefit(b, []models.Model{ets.Auto(24)}, []int{700}, seasonalSeries(24))
}

// BenchmarkFilterPass times one likelihood pass, the unit of a fit's cost.
func BenchmarkFilterPass(b *testing.B) {
	y := seasonalSeries(7)(730)
	p := ets.Params{Alpha: 0.3, Beta: 0.01, Gamma: 0.1, Phi: 0.95}
	for _, s := range []string{"ANN", "MAdN", "AAdA", "MAdA", "MAdM"} {
		spec, _ := ets.ParseSpec(s)
		pass := ets.FilterPassForBenchmark(spec, 7, p, y)
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				pass()
			}
		})
	}
}
