package naive

import (
	"math"

	"github.com/forecastrun/forecastrun/runner/models"
)

// DefaultWindow is the window WindowAverage uses when Window is 0: seven
// periods, one week of daily data, the operator's main input, so that the
// average spans every weekday once and carries no day-of-week bias.
const DefaultWindow = 7

// WindowAverage forecasts every step with the mean of the last Window
// observations (all of them when the history is shorter). It has no R
// forecast equivalent; its intervals are meanf's intervals computed on the
// window, mean ± t(k-1)·s·sqrt(1 + 1/k) for a window of k points, and it
// gives none when the window holds a single point.
type WindowAverage struct {
	// Window is the number of most recent observations averaged; 0 means
	// DefaultWindow (so does a negative value).
	Window int
}

// Name implements models.Model.
func (WindowAverage) Name() string { return "WindowAverage" }

// Fit implements models.Model. It needs one observation.
func (m WindowAverage) Fit(y []float64) (models.Fitted, error) {
	if len(y) < 1 {
		return nil, models.TooShort(m.Name(), len(y), 1)
	}
	k := min(m.window(), len(y))
	level, sd := meanAndSD(y[len(y)-k:])
	return &iidFit{name: m.Name(), level: level, sd: sd, n: k, inSample: rollingMeans(y, k)}, nil
}

func (m WindowAverage) window() int {
	if m.Window <= 0 {
		return DefaultWindow
	}
	return m.Window
}

// rollingMeans returns the one-step fitted values: the mean of the k points
// before t, or of all earlier points while fewer than k exist; NaN at t = 0.
func rollingMeans(y []float64, k int) []float64 {
	out := make([]float64, len(y))
	out[0] = math.NaN()
	var sum float64
	for t := 1; t < len(y); t++ {
		sum += y[t-1]
		if t > k {
			sum -= y[t-1-k]
		}
		out[t] = sum / float64(min(t, k))
	}
	return out
}
