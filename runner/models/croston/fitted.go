package croston

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/models"
)

// fitted is a Croston-family model estimated on one history.
type fitted struct {
	model    Model
	params   params
	level    float64
	inSample []float64
}

// Forecast implements models.Fitted. The forecast is flat; the methods have
// no agreed error distribution, so no intervals are returned whatever the
// levels and the tournament derives conformal ones.
func (f *fitted) Forecast(h int, _ []float64) (models.Forecast, error) {
	if h < 1 {
		return models.Forecast{}, fmt.Errorf("%s: %w: got %d", f.model.Name(), models.ErrBadHorizon, h)
	}
	mean := make([]float64, h)
	for i := range mean {
		mean[i] = f.level
	}
	return models.Forecast{Mean: mean}, nil
}

// InSample implements models.Fitted. The slice is shared: callers must not
// modify it.
func (f *fitted) InSample() []float64 { return f.inSample }

// Refit implements models.Refitter: it runs the method on y with the
// smoothing constants of this fit. For Classic and SBA, whose constants are
// fixed, this is the same as Fit; for TSB it skips the search.
func (f *fitted) Refit(y []float64) (models.Fitted, error) {
	if err := f.model.check(y); err != nil {
		return nil, err
	}
	return f.model.fitWith(y, f.params), nil
}
