package theta

import (
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/expsmooth"
)

// Fitted is the Theta method estimated on one history. It implements
// models.Fitted and models.Refitter.
type Fitted struct {
	model    Theta
	n        int
	figure   []float64 // seasonal indices, nil when not seasonal
	ses      *expsmooth.Fitted
	alpha    float64
	drift    float64
	inSample []float64
}

func newFitted(m Theta, y, figure []float64, ses *expsmooth.Fitted) *Fitted {
	// thetaf floors alpha so that the drift correction stays finite.
	alpha := math.Max(1e-10, ses.Params().Alpha)
	f := &Fitted{model: m, n: len(y), figure: figure, ses: ses, alpha: alpha, drift: halfSlope(adjust(y, figure))}
	// As thetaf, the fitted values are the SES ones, reseasonalised,
	// without the drift.
	f.inSample = make([]float64, len(y))
	for t, v := range ses.InSample() {
		f.inSample[t] = v * f.seasonal(t)
	}
	return f
}

// seasonal is the seasonal index of time t (1 without seasonality).
func (f *Fitted) seasonal(t int) float64 {
	if f.figure == nil {
		return 1
	}
	return f.figure[t%len(f.figure)]
}

// Alpha returns the SES smoothing parameter.
func (f *Fitted) Alpha() float64 { return f.alpha }

// Drift returns the drift per step: half the slope of the linear trend of
// the (deseasonalised) data.
func (f *Fitted) Drift() float64 { return f.drift }

// Seasonal reports whether the seasonality test deseasonalised the data.
func (f *Fitted) Seasonal() bool { return f.figure != nil }

// InSample implements models.Fitted.
func (f *Fitted) InSample() []float64 { return f.inSample }

// Forecast implements models.Fitted. The point forecast is the SES level
// plus drift·(i−1 + (1−(1−α)^n)/α) at step i, thetaf's exact correction
// for the SES start, times the seasonal index. The intervals are thetaf's:
// ± z·σ·sqrt(1 + (i−1)α²) around that mean, with σ² the SES error
// variance of the deseasonalised data.
func (f *Fitted) Forecast(h int, levels []float64) (models.Forecast, error) {
	if h < 1 {
		return models.Forecast{}, fmt.Errorf("theta: %w, got %d", models.ErrBadHorizon, h)
	}
	base, err := f.ses.Forecast(h, nil)
	if err != nil {
		return models.Forecast{}, fmt.Errorf("theta: %w", err)
	}
	a := f.alpha
	start := (1 - math.Pow(1-a, float64(f.n))) / a
	mean, sd := base.Mean, make([]float64, h)
	sigma := math.Sqrt(f.ses.Sigma2())
	for i := range mean {
		mean[i] = (mean[i] + f.drift*(float64(i)+start)) * f.seasonal(f.n+i)
		sd[i] = sigma * math.Sqrt(1+float64(i)*a*a)
	}
	iv, err := models.NormalIntervals(mean, sd, levels)
	if err != nil {
		return models.Forecast{}, fmt.Errorf("theta: %w", err)
	}
	return models.Forecast{Mean: mean, Intervals: iv}, nil
}

// Refit implements models.Refitter: it keeps alpha and re-derives the rest
// on y (seasonality test and indices, SES initial level, drift), none of
// which needs a search.
func (f *Fitted) Refit(y []float64) (models.Fitted, error) {
	figure := f.model.seasonalFigure(y)
	ses, err := f.ses.RefitTo(adjust(y, figure))
	if err != nil {
		return nil, fmt.Errorf("theta: %w", err)
	}
	return newFitted(f.model, y, figure, ses), nil
}
