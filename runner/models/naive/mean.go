package naive

import (
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/models"
)

// Mean forecasts every step with the mean of the whole history (R forecast
// meanf()). Intervals treat the observations as independent draws from one
// normal distribution: mean ± t(n-1)·s·sqrt(1 + 1/n).
type Mean struct{}

// Name implements models.Model.
func (Mean) Name() string { return "HistoricAverage" }

// Fit implements models.Model. It needs at least two observations so that
// the standard deviation is defined.
func (m Mean) Fit(y []float64) (models.Fitted, error) {
	if len(y) < 2 {
		return nil, models.TooShort(m.Name(), len(y), 2)
	}
	level, sd := meanAndSD(y)
	inSample := make([]float64, len(y))
	// meanf's fitted values are the overall mean, not an expanding mean;
	// we keep R's definition so residuals agree with it.
	for t := range inSample {
		inSample[t] = level
	}
	return &iidFit{name: m.Name(), level: level, sd: sd, n: len(y), inSample: inSample}, nil
}

// iidFit is a constant forecast with the intervals of an independent normal
// sample of size n, shared by Mean and WindowAverage.
type iidFit struct {
	name     string
	level    float64
	sd       float64 // sample standard deviation; NaN when n < 2
	n        int
	inSample []float64
}

// InSample returns the fitted values. The slice is shared: callers must not
// modify it.
func (f *iidFit) InSample() []float64 { return f.inSample }

// Forecast returns the constant level with t-based intervals, or with none
// when the sample is too small to estimate a spread.
func (f *iidFit) Forecast(h int, levels []float64) (models.Forecast, error) {
	if err := checkHorizon(f.name, h); err != nil {
		return models.Forecast{}, err
	}
	mean := make([]float64, h)
	for i := range mean {
		mean[i] = f.level
	}
	fc := models.Forecast{Mean: mean}
	if f.n < 2 {
		return fc, nil
	}
	for _, level := range levels {
		iv, err := f.interval(mean, level)
		if err != nil {
			return models.Forecast{}, err
		}
		fc.Intervals = append(fc.Intervals, iv)
	}
	return fc, nil
}

func (f *iidFit) interval(mean []float64, level float64) (models.Interval, error) {
	if !(level > 0 && level < 100) {
		return models.Interval{}, fmt.Errorf("%s: interval level %v must be between 0 and 100 exclusive", f.name, level)
	}
	t := studentQuantile(f.n-1, level)
	half := t * f.sd * math.Sqrt(1+1/float64(f.n))
	iv := models.Interval{Level: level, Lower: make([]float64, len(mean)), Upper: make([]float64, len(mean))}
	for i, m := range mean {
		iv.Lower[i] = m - half
		iv.Upper[i] = m + half
	}
	return iv, nil
}

// meanAndSD returns the mean and the sample standard deviation (n-1
// denominator) of x, in two passes for accuracy on large levels.
func meanAndSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	if len(x) < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, v := range x {
		d := v - mean
		ss += d * d
	}
	return mean, math.Sqrt(ss / float64(len(x)-1))
}
