package tournament

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/series"
)

// seasonalSeries has a strong weekly pattern, a little trend and noise.
func seasonalSeries(id string, n int, rng *rand.Rand) series.Series {
	pattern := []float64{0, 5, 9, 12, 9, 30, 40}
	v := make([]float64, n)
	for i := range v {
		v[i] = 50 + pattern[i%7] + 0.01*float64(i) + rng.NormFloat64()
	}
	return series.Series{ID: id, Values: v}
}

// intermittentSeries has demand in about one period of five, of size 1..6,
// with the demand probability drifting slowly between 0.1 and 0.3 (a
// stationary rate would make the historic average unbeatable).
func intermittentSeries(id string, n int, rng *rand.Rand) series.Series {
	v := make([]float64, n)
	phase := 2 * math.Pi * rng.Float64()
	for i := range v {
		p := 0.2 + 0.1*math.Sin(phase+2*math.Pi*float64(i)/90)
		if rng.Float64() < p {
			v[i] = float64(1 + rng.IntN(6))
		}
	}
	return series.Series{ID: id, Values: v}
}

// noiseSeries is a level plus Gaussian noise.
func noiseSeries(id string, n int, rng *rand.Rand) series.Series {
	v := make([]float64, n)
	for i := range v {
		v[i] = 100 + 10*rng.NormFloat64()
	}
	return series.Series{ID: id, Values: v}
}

func makeItems(count, n int, seed uint64, gen func(string, int, *rand.Rand) series.Series) []series.Series {
	rng := rand.New(rand.NewPCG(seed, 99))
	out := make([]series.Series, count)
	for i := range out {
		out[i] = gen(fmt.Sprintf("item-%03d", i), n, rng)
	}
	return out
}

// meanModel forecasts the historic mean with no intervals, so the
// tournament must build conformal ones.
type meanModel struct{}

func (meanModel) Name() string { return "MeanNoIntervals" }

func (meanModel) Fit(y []float64) (models.Fitted, error) {
	var sum float64
	for _, v := range y {
		sum += v
	}
	return constFit{level: sum / float64(len(y)), n: len(y)}, nil
}

type constFit struct {
	level float64
	n     int
}

func (f constFit) InSample() []float64 {
	out := make([]float64, f.n)
	for i := range out {
		out[i] = f.level
	}
	return out
}

func (f constFit) Forecast(h int, _ []float64) (models.Forecast, error) {
	if h < 1 {
		return models.Forecast{}, models.ErrBadHorizon
	}
	mean := make([]float64, h)
	for i := range mean {
		mean[i] = f.level
	}
	return models.Forecast{Mean: mean}, nil
}

// brokenModel misbehaves in the way its mode says.
type brokenModel struct{ mode string }

func (b brokenModel) Name() string { return "Broken-" + b.mode }

func (b brokenModel) Fit(y []float64) (models.Fitted, error) {
	switch b.mode {
	case "panic":
		panic("boom")
	case "error":
		return nil, models.ErrNotConverged
	case "nan":
		return constFit{level: math.NaN(), n: len(y)}, nil
	}
	return nil, errors.New("unknown mode")
}

// countingModel counts fits and refits to show that parameters estimated on
// the first window are reused.
type countingModel struct{ fits, refits *atomic.Int64 }

func (countingModel) Name() string { return "Counting" }

func (c countingModel) Fit(y []float64) (models.Fitted, error) {
	c.fits.Add(1)
	fit, _ := meanModel{}.Fit(y)
	return refitter{constFit: fit.(constFit), refits: c.refits}, nil
}

type refitter struct {
	constFit
	refits *atomic.Int64
}

func (r refitter) Refit(y []float64) (models.Fitted, error) {
	r.refits.Add(1)
	return refitter{constFit: constFit{level: r.level, n: len(y)}, refits: r.refits}, nil
}
