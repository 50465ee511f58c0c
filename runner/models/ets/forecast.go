package ets

import (
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/internal/etsmoments"
)

// Forecast implements models.Fitted. Means and variances are analytic
// where Hyndman et al. (2008, chapter 6) give them, as R's forecast.ets:
// class 1 (additive error, no multiplicative season) and class 2
// (multiplicative error, no multiplicative season) around the point
// forecast, class 3 (multiplicative error and season) with its exact
// conditional mean and variance. ETS(A,·,M) has no analytic form: its
// intervals are quantiles of seeded simulated paths around the point
// forecast.
func (f *Fitted) Forecast(h int, levels []float64) (models.Forecast, error) {
	if h < 1 {
		return models.Forecast{}, fmt.Errorf("%s: %w, got %d", f.form, models.ErrBadHorizon, h)
	}
	if f.form.Error == Additive && f.form.Season == Multiplicative {
		return f.simulatedForecast(h, levels)
	}
	o := f.atOrigin()
	if len(levels) == 0 { // a point forecast (a backtest's) needs no variances
		if f.form.Season == Multiplicative {
			return models.Forecast{Mean: o.Class3Mean(h)}, nil
		}
		return models.Forecast{Mean: o.PointForecast(h)}, nil
	}
	var mean, variance []float64
	switch {
	case f.form.Season == Multiplicative:
		mean, variance = o.Class3(h)
	case f.form.Error == Multiplicative:
		mean, variance = o.Class2(h)
	default:
		mean, variance = o.PointForecast(h), o.Class1(h)
	}
	for i, v := range variance {
		variance[i] = math.Sqrt(math.Max(v, 0)) // now the standard deviation
	}
	iv, err := models.NormalIntervals(mean, variance, levels)
	if err != nil {
		return models.Forecast{}, fmt.Errorf("%s: %w", f.form, err)
	}
	return models.Forecast{Mean: mean, Intervals: iv}, nil
}

// phase returns the seasonal position of forecast step i (1-based).
func (f *Fitted) phase(i int) int { return (f.n + i - 1) % f.form.m }

// atOrigin describes the fitted form at its forecast origin for the moment
// formulas that ets shares with expsmooth.
func (f *Fitted) atOrigin() *etsmoments.Origin {
	season := etsmoments.NoSeason
	switch f.form.Season {
	case Additive:
		season = etsmoments.Additive
	case Multiplicative:
		season = etsmoments.Multiplicative
	}
	return &etsmoments.Origin{Params: etsmoments.Params(f.params), Trend: f.form.trend(), Season: season,
		M: f.form.m, N: f.n, Level: f.final.level, Slope: f.final.trend, Seasonal: f.final.season, Sigma2: f.sigma2}
}

// pointForecast extrapolates the final states h steps without noise.
func (f *Fitted) pointForecast(h int) []float64 { return f.atOrigin().PointForecast(h) }
