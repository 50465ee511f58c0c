package theta

import (
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/models"
)

// OptimizedFitted is an optimised theta model estimated on one history. It
// implements models.Fitted and models.Refitter.
type OptimizedFitted struct {
	model    Optimized
	figure   []float64 // seasonal indices, nil when not seasonal
	rec      *recursion
	params   optParams
	level    float64 // ℓ_n, the level after the last observation
	sigma2   float64 // error variance on the deseasonalised scale
	inSample []float64
}

// filter runs the recursion with the fitted parameters, recording the
// reseasonalised one-step forecasts, the final level and the variance.
func (f *OptimizedFitted) filter(y []float64) error {
	p, x := f.params, f.rec.x
	f.inSample = make([]float64, len(x))
	level, decay := p.level0, 1.0
	var sse float64
	for t, v := range x {
		mu := level + p.u*f.rec.trendTerm(t, p.alpha, decay)
		sse += (v - mu) * (v - mu)
		f.inSample[t] = mu * f.seasonal(t)
		level = p.alpha*v + (1-p.alpha)*level
		decay *= 1 - p.alpha
	}
	if !finite(sse) || !finite(level) {
		return models.ErrNotConverged
	}
	f.level = level
	// Three estimated parameters, as R's ets counts its degrees of freedom.
	f.sigma2 = sse / float64(max(len(y)-3, 1))
	return nil
}

func (f *OptimizedFitted) seasonal(t int) float64 {
	if f.figure == nil {
		return 1
	}
	return f.figure[t%len(f.figure)]
}

// Alpha returns the smoothing weight.
func (f *OptimizedFitted) Alpha() float64 { return f.params.alpha }

// Theta returns the estimated theta (at least 1; 1 is plain SES).
func (f *OptimizedFitted) Theta() float64 { return f.params.theta() }

// InitialLevel returns ℓ_0, the level before the first observation.
func (f *OptimizedFitted) InitialLevel() float64 { return f.params.level0 }

// Seasonal reports whether the seasonality test deseasonalised the data.
func (f *OptimizedFitted) Seasonal() bool { return f.figure != nil }

// InSample implements models.Fitted.
func (f *OptimizedFitted) InSample() []float64 { return f.inSample }

// Forecast implements models.Fitted. The point forecast is the
// recursion's h-step forecast from the last origin, times the seasonal
// index. The intervals follow from the state-space form: given the trend
// line, the model is SES with a deterministic drift, so the h-step
// variance is σ²·(1 + (h−1)α²) as for SES. σ² is the one-step error
// variance on the deseasonalised scale, and the standard deviation is
// scaled by the seasonal index like the mean (the decomposition is
// multiplicative). For the dynamic model this treats the trend line as
// known at the origin, which understates the variance a little.
func (f *OptimizedFitted) Forecast(h int, levels []float64) (models.Forecast, error) {
	if h < 1 {
		return models.Forecast{}, fmt.Errorf("%s: %w, got %d", f.model.Name(), models.ErrBadHorizon, h)
	}
	p, n := f.params, len(f.rec.x)
	decay := math.Pow(1-p.alpha, float64(n))
	sigma := math.Sqrt(f.sigma2)
	mean, sd := make([]float64, h), make([]float64, h)
	for i := range h {
		s := f.seasonal(n + i)
		trend := decay*f.rec.an + driftWeight(p.alpha, decay, i+1)*f.rec.bn
		mean[i] = (f.level + p.u*trend) * s
		sd[i] = sigma * math.Sqrt(1+float64(i)*p.alpha*p.alpha) * math.Abs(s)
	}
	iv, err := models.NormalIntervals(mean, sd, levels)
	if err != nil {
		return models.Forecast{}, fmt.Errorf("%s: %w", f.model.Name(), err)
	}
	return models.Forecast{Mean: mean, Intervals: iv}, nil
}

// Refit implements models.Refitter: it keeps alpha and theta and reruns
// the recursions on y, re-deriving the seasonality, the trend line and the
// least-squares initial level, none of which needs a search.
func (f *OptimizedFitted) Refit(y []float64) (models.Fitted, error) {
	m := f.model
	if len(y) < optimizedMinLength {
		return nil, models.TooShort(m.Name(), len(y), optimizedMinLength)
	}
	figure := Theta{season: m.season}.seasonalFigure(y)
	r := newRecursion(adjust(y, figure), m.dynamic)
	p := f.params
	p.level0 = r.sums(p.alpha).levelFor(p.u)
	return m.newFitted(y, figure, r, p)
}
