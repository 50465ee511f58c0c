package adida

import (
	"fmt"
	"math"
	"slices"

	"github.com/forecastrun/forecastrun/runner/models"
)

// fitted is ADIDA or IMAPA estimated on one history.
type fitted struct {
	model    Model
	levels   []level
	forecast float64
	inSample []float64
}

// fitWith runs SES at every level with its constant and averages the
// per-period forecasts. The in-sample value of a period is the average over
// the levels that have a forecast for it: a level has none in the oldest
// n mod k periods it drops, nor in its first bucket. prefix is
// prefixSums(y); buf is scratch space of len(y), allocated when nil.
func (m Model) fitWith(prefix []float64, levels []level, buf []float64) *fitted {
	n := len(prefix) - 1
	if buf == nil {
		buf = make([]float64, n)
	}
	f := &fitted{model: m, levels: levels}
	// Each level adds a constant over each bucket, so the in-sample sums are
	// built as steps in a difference array and integrated once at the end.
	steps := make([]float64, n+1)
	firstCovered := make([]int, len(levels))
	for i, l := range levels {
		f.forecast += addLevel(prefix, l, buf, steps)
		firstCovered[i] = n%l.size + l.size
	}
	f.forecast /= float64(len(levels))
	f.inSample = integrate(steps[:n])
	averageCovered(f.inSample, firstCovered)
	return f
}

// addLevel smooths the bucket sums of one level, adds its per-period
// one-step forecast over each bucket as a step up at the bucket's start and
// down at its end, and returns its per-period forecast beyond the data.
func addLevel(prefix []float64, l level, buf, steps []float64) float64 {
	sums := bucketSums(prefix, l.size, buf)
	k := float64(l.size)
	start := (len(prefix) - 1) % l.size
	next := sums[0]
	for j := 1; j < len(sums); j++ {
		steps[start+j*l.size] += next / k
		steps[start+(j+1)*l.size] -= next / k
		next = (1-l.alpha)*next + l.alpha*sums[j] // as in sesSSE
	}
	return next / k
}

// integrate turns a difference array into running sums, in place.
func integrate(steps []float64) []float64 {
	var level float64
	for t, d := range steps {
		level += d
		steps[t] = level
	}
	return steps
}

// averageCovered divides each in-sample sum by the number of levels that
// contributed to it, those whose first covered period is not later; periods
// no level covers become NaN.
func averageCovered(acc []float64, firstCovered []int) {
	slices.Sort(firstCovered)
	covering := 0
	for t := range acc {
		for covering < len(firstCovered) && firstCovered[covering] <= t {
			covering++
		}
		if covering == 0 {
			acc[t] = math.NaN()
		} else {
			acc[t] /= float64(covering)
		}
	}
}

// Forecast implements models.Fitted: a flat forecast and no intervals (the
// tournament derives conformal ones).
func (f *fitted) Forecast(h int, _ []float64) (models.Forecast, error) {
	if h < 1 {
		return models.Forecast{}, fmt.Errorf("%s: %w: got %d", f.model.Name(), models.ErrBadHorizon, h)
	}
	mean := make([]float64, h)
	for i := range mean {
		mean[i] = f.forecast
	}
	return models.Forecast{Mean: mean}, nil
}

// InSample implements models.Fitted. The slice is shared: callers must not
// modify it.
func (f *fitted) InSample() []float64 { return f.inSample }

// Refit implements models.Refitter. It keeps this fit's aggregation levels
// and their smoothing constants, both estimated on the earlier history, and
// applies them to y. Levels longer than y are dropped; if none is left it
// fits y afresh.
func (f *fitted) Refit(y []float64) (models.Fitted, error) {
	if len(y) < 1 {
		return nil, models.TooShort(f.model.Name(), len(y), 1)
	}
	usable := make([]level, 0, len(f.levels))
	for _, l := range f.levels {
		if l.size <= len(y) {
			usable = append(usable, l)
		}
	}
	if len(usable) == 0 {
		return f.model.Fit(y)
	}
	return f.model.fitWith(prefixSums(y), usable, nil), nil
}
