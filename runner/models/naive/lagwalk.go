package naive

import (
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/models"
)

// lagWalk is the model y[t] = y[t-lag] + drift + e[t] behind Naive, Seasonal
// and Drift. It is estimated the way R forecast's lagwalk() does it so that
// the three models reproduce naive(), snaive() and rwf(drift = TRUE).
type lagWalk struct {
	name  string
	lag   int
	drift bool
}

// walkFit is a fitted lagWalk.
type walkFit struct {
	name     string
	lag      int
	future   []float64 // the last lag observations, repeated into the future
	drift    float64   // per-lag drift, 0 without drift
	driftSE  float64   // standard error of drift, 0 without drift
	mse      float64   // residual variance as forecast.lagwalk estimates it
	inSample []float64
}

// minLength is the shortest history the walk can estimate: one residual, and
// two with drift because its standard error needs a degree of freedom.
func (w lagWalk) minLength() int {
	if w.drift {
		return w.lag + 2
	}
	return w.lag + 1
}

func (w lagWalk) fit(y []float64) (*walkFit, error) {
	if len(y) < w.minLength() {
		return nil, models.TooShort(w.name, len(y), w.minLength())
	}
	f := &walkFit{
		name:     w.name,
		lag:      w.lag,
		future:   append([]float64(nil), y[len(y)-w.lag:]...),
		inSample: make([]float64, len(y)),
	}
	if w.drift {
		f.drift = meanLagDifference(y, w.lag)
	}
	sse := f.fillInSample(y)
	residuals := float64(len(y) - w.lag)
	f.mse = sse / residuals
	if w.drift {
		// The drift is lm(diff ~ 1), which costs a degree of freedom; its
		// standard error is sigma/sqrt(n). R forecast 8.20 drops the degree
		// of freedom only when drift != 0, so an estimate that lm() rounds
		// to exactly 0.0 keeps it; that is an accident of floating point,
		// and we follow the evident intent instead.
		f.mse = sse / (residuals - 1)
		f.driftSE = math.Sqrt(f.mse / residuals)
	}
	return f, nil
}

// fillInSample writes the one-step fitted values y[t-lag] + drift and returns
// the sum of squared residuals.
func (f *walkFit) fillInSample(y []float64) float64 {
	var sse float64
	for t := range y {
		if t < f.lag {
			f.inSample[t] = math.NaN()
			continue
		}
		f.inSample[t] = y[t-f.lag] + f.drift
		r := y[t] - f.inSample[t]
		sse += r * r
	}
	return sse
}

func meanLagDifference(y []float64, lag int) float64 {
	// Summed term by term, as lm() does, rather than telescoped to
	// (y[n-1]-y[0])/(n-1), so that rounding follows R's.
	var sum float64
	for t := lag; t < len(y); t++ {
		sum += y[t] - y[t-lag]
	}
	return sum / float64(len(y)-lag)
}

// InSample returns the one-step fitted values; NaN for the first lag points.
// The slice is shared: callers must not modify it.
func (f *walkFit) InSample() []float64 { return f.inSample }

// Forecast repeats the last lag observations, adds the drift once per lag
// period, and gives normal intervals whose variance grows with the number of
// whole periods ahead, plus the drift's own estimation error.
func (f *walkFit) Forecast(h int, levels []float64) (models.Forecast, error) {
	if err := checkHorizon(f.name, h); err != nil {
		return models.Forecast{}, err
	}
	mean := make([]float64, h)
	sd := make([]float64, h)
	for i := range h {
		periods := float64(i/f.lag + 1)
		mean[i] = f.future[i%f.lag] + periods*f.drift
		sd[i] = math.Sqrt(f.mse*periods + periods*periods*f.driftSE*f.driftSE)
	}
	intervals, err := models.NormalIntervals(mean, sd, levels)
	if err != nil {
		return models.Forecast{}, fmt.Errorf("%s: %w", f.name, err)
	}
	return models.Forecast{Mean: mean, Intervals: intervals}, nil
}

func checkHorizon(name string, h int) error {
	if h < 1 {
		return fmt.Errorf("%s: %w: got %d", name, models.ErrBadHorizon, h)
	}
	return nil
}
