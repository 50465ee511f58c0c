package theta

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/models"
)

// Optimized is the Optimised Theta Method (OTM) of Fiorucci, Pellegrini,
// Louzada, Petropoulos and Koehler (2016), or, when dynamic, their Dynamic
// Optimised Theta Method (DOTM). Like Theta it works on multiplicatively
// deseasonalised data when the seasonality test says so, but instead of
// fixing theta at 2 it estimates theta ≥ 1 together with the smoothing
// weight alpha and the initial level by minimising the in-sample one-step
// MSE. The dynamic variant updates the trend line's intercept and slope
// with every observation instead of fitting them once on the whole series.
// It is immutable and safe across goroutines.
type Optimized struct {
	season  int
	dynamic bool
}

// NewOptimized returns the Optimised Theta Method for data with the given
// season length (1 or less for non-seasonal data).
func NewOptimized(season int) models.Model { return Optimized{season: max(season, 1)} }

// NewDynamicOptimized returns the Dynamic Optimised Theta Method.
func NewDynamicOptimized(season int) models.Model {
	return Optimized{season: max(season, 1), dynamic: true}
}

// Name implements models.Model, with StatsForecast's names.
func (m Optimized) Name() string {
	if m.dynamic {
		return "DynamicOptimizedTheta"
	}
	return "OptimizedTheta"
}

// optimizedMinLength follows R's ets rule of more than npars+4
// observations, with three estimated parameters (level, alpha, theta).
const optimizedMinLength = 8

// Fit implements models.Model.
func (m Optimized) Fit(y []float64) (models.Fitted, error) {
	if len(y) < optimizedMinLength {
		return nil, models.TooShort(m.Name(), len(y), optimizedMinLength)
	}
	figure := Theta{season: m.season}.seasonalFigure(y)
	r := newRecursion(adjust(y, figure), m.dynamic)
	return m.newFitted(y, figure, r, r.optimise())
}

// fixed fits with the given parameters instead of searching; tests use it
// to pin theta, alpha and the initial level.
func (m Optimized) fixed(y []float64, p optParams) (*OptimizedFitted, error) {
	figure := Theta{season: m.season}.seasonalFigure(y)
	return m.newFitted(y, figure, newRecursion(adjust(y, figure), m.dynamic), p)
}

func (m Optimized) newFitted(y, figure []float64, r *recursion, p optParams) (*OptimizedFitted, error) {
	f := &OptimizedFitted{model: m, figure: figure, rec: r, params: p}
	if err := f.filter(y); err != nil {
		return nil, fmt.Errorf("%s: %w", m.Name(), err)
	}
	return f, nil
}
