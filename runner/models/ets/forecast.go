package ets

import (
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/models"
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
	var mean, variance []float64
	switch {
	case f.form.Season == Multiplicative:
		mean, variance = f.class3(h)
	case f.form.Error == Multiplicative:
		mean, variance = f.class2(h)
	default:
		mean, variance = f.class1(h)
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

// dampedSums returns φ + φ² + … + φ^j for j = 1..h.
func dampedSums(phi float64, h int) []float64 {
	out := make([]float64, h)
	power, total := 1.0, 0.0
	for j := range out {
		power *= phi
		total += power
		out[j] = total
	}
	return out
}

// pointForecast extrapolates the final states h steps without noise.
func (f *Fitted) pointForecast(h int) []float64 {
	out := make([]float64, h)
	st := f.final
	phiSum := dampedSums(f.params.Phi, h)
	for i := range out {
		v := st.level + phiSum[i]*st.trend
		switch f.form.Season {
		case Additive:
			v += st.season[f.phase(i+1)]
		case Multiplicative:
			v *= st.season[f.phase(i+1)]
		}
		out[i] = v
	}
	return out
}

// errorWeights returns c_j = α + β(φ+…+φ^j) + γ·[m divides j] for
// j = 1..h-1, the weight of an error j steps back in the forecast
// (Hyndman et al. 2008, table 6.1).
func (f *Fitted) errorWeights(h int) []float64 {
	p := f.params
	phiSum := dampedSums(p.Phi, h)
	c := make([]float64, h)
	for i := range c {
		j := i + 1
		c[i] = p.Alpha + p.Beta*phiSum[i]
		if f.form.seasonal() && j%f.form.m == 0 {
			c[i] += p.Gamma
		}
	}
	return c
}

// class1 returns the point forecasts and the variances
// σ²(1 + Σ_{j<h} c_j²) of a linear model.
func (f *Fitted) class1(h int) (mean, variance []float64) {
	c := f.errorWeights(h)
	variance = make([]float64, h)
	cum := 0.0
	for i := range variance {
		variance[i] = f.sigma2 * (1 + cum)
		cum += c[i] * c[i]
	}
	return f.pointForecast(h), variance
}

// class2 returns the point forecasts and the approximate variances
// (1+σ²)θ_h − μ_h² with θ_1 = μ_1², θ_h = μ_h² + σ² Σ_{j<h} c_j² θ_{h−j}
// of multiplicative error without multiplicative season.
func (f *Fitted) class2(h int) (mean, variance []float64) {
	mean, c := f.pointForecast(h), f.errorWeights(h)
	theta := make([]float64, h)
	variance = make([]float64, h)
	for i := range theta {
		theta[i] = mean[i] * mean[i]
		for j := 1; j <= i; j++ {
			theta[i] += f.sigma2 * c[j-1] * c[j-1] * theta[i-j]
		}
		variance[i] = (1+f.sigma2)*theta[i] - mean[i]*mean[i]
	}
	return mean, variance
}
