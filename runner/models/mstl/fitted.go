package mstl

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/models"
)

// Fitted is MSTL estimated on one history.
type Fitted struct {
	model    Model
	d        decomposition
	adjusted models.Fitted
	inSample []float64
}

func newFitted(m Model, d decomposition, adjusted models.Fitted) *Fitted {
	f := &Fitted{model: m, d: d, adjusted: adjusted}
	f.inSample = append([]float64(nil), adjusted.InSample()...)
	for _, s := range d.seasonal {
		for t := range f.inSample {
			f.inSample[t] += s[t]
		}
	}
	return f
}

// Periods returns the seasonal periods the decomposition used: the
// model's, less those the history was too short for.
func (f *Fitted) Periods() []int { return append([]int(nil), f.d.periods...) }

// Seasonal returns the seasonal component of the i-th period used.
func (f *Fitted) Seasonal(i int) []float64 { return f.d.seasonal[i] }

// Forecast implements models.Fitted: the seasonally adjusted forecast plus
// each seasonal component's last cycle. It returns no intervals (the
// tournament calibrates them from backtest errors).
func (f *Fitted) Forecast(h int, _ []float64) (models.Forecast, error) {
	if h < 1 {
		return models.Forecast{}, fmt.Errorf("MSTL: %w: got %d", models.ErrBadHorizon, h)
	}
	fc, err := f.adjusted.Forecast(h, nil)
	if err != nil {
		return models.Forecast{}, fmt.Errorf("MSTL: %w", err)
	}
	mean := fc.Mean
	n := len(f.inSample)
	for i, p := range f.d.periods {
		s := f.d.seasonal[i]
		for j := range mean {
			mean[j] += s[n-p+j%p]
		}
	}
	return models.Forecast{Mean: mean}, nil
}

// InSample implements models.Fitted: the seasonally adjusted model's
// one-step forecasts plus the seasonal components. The slice is shared.
func (f *Fitted) InSample() []float64 { return f.inSample }

// Refit implements models.Refitter, for the later backtest windows, whose
// histories extend the first window's: it decomposes y afresh and refits
// the seasonally adjusted series with the ETS parameters and initial
// states estimated on the first (see ets.Fitted.Refit), the way the
// tournament treats every model that can reuse its parameters.
func (f *Fitted) Refit(y []float64) (models.Fitted, error) {
	r, ok := f.adjusted.(models.Refitter)
	if !ok {
		return f.Reestimate(y)
	}
	d := f.model.decompose(y)
	adjusted, err := r.Refit(d.adjusted)
	if err != nil {
		return nil, fmt.Errorf("MSTL: the seasonally adjusted series: %w", err)
	}
	return newFitted(f.model, d, adjusted), nil
}

// Reestimate implements models.Reestimator: it decomposes y afresh and
// reestimates the ETS form chosen for the seasonally adjusted series,
// without searching the forms again.
func (f *Fitted) Reestimate(y []float64) (models.Fitted, error) {
	d := f.model.decompose(y)
	r, ok := f.adjusted.(models.Reestimator)
	if !ok {
		return f.model.Fit(y)
	}
	adjusted, err := r.Reestimate(d.adjusted)
	if err != nil {
		return nil, fmt.Errorf("MSTL: the seasonally adjusted series: %w", err)
	}
	return newFitted(f.model, d, adjusted), nil
}
