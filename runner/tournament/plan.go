package tournament

import "github.com/forecastrun/forecastrun/runner/metrics"

// plan is the shape of one item's backtest: windows of horizon periods whose
// training data ends at first, first+step, ...
type plan struct {
	windows, horizon, step, first int
}

// origin is the length of the training data of window k.
func (p plan) origin(k int) int { return p.first + k*p.step }

// absoluteMinTrain is the shortest training history any backtest uses.
const absoluteMinTrain = 2

// minTrain is the training length the first window should have: a full
// season plus one, so seasonal models can start, and at least 8 periods so
// that smoothing parameters are estimated on something.
func minTrain(season int) int { return max(season+1, 8) }

// shortFirstWindow reports whether the plan's first window trains on fewer
// than three times minTrain periods (39 months of monthly data, 75 hours
// of hourly). Estimates from so short a history are too noisy to carry to
// the later windows and the final forecast (the 15 months of carparts'
// first window would pick the form of every automatic model), so such an
// item estimates every window, and the whole history, afresh; being
// short, it costs little.
func shortFirstWindow(p plan, season int) bool {
	return p.first < 3*minTrain(season)
}

// windowScales returns the MASE/RMSSE scale of each window of p: the
// naive in-sample error of the history the window saw, so that a
// reported score uses no data the window had not seen. A window whose
// history is constant (a scale of zero) borrows the scale of the latest
// window, then of the whole history, rather than score every error as
// infinite. buf is reused.
func windowScales(observed []float64, p plan, season int, buf []metrics.Scale) []metrics.Scale {
	buf = append(buf[:0], make([]metrics.Scale, p.windows)...)
	fallback := metrics.NaiveScale(observed[:p.origin(p.windows-1)], season)
	if fallback.MAE == 0 {
		fallback = metrics.NaiveScale(observed, season)
	}
	for k := range buf {
		buf[k] = metrics.NaiveScale(observed[:p.origin(k)], season)
		if buf[k].MAE == 0 {
			buf[k] = fallback
		}
	}
	return buf
}

// planBacktest fits the requested backtest into a history of n periods. A
// short history first loses windows (down to one), then the single window
// shrinks its horizon so that minTrain periods remain for training, and as
// a last resort trains on as little as absoluteMinTrain periods. ok is false
// when n is too short even for that; the item is then forecast with Naive.
func planBacktest(n, horizon, windows, step, season int) (p plan, ok bool) {
	need := minTrain(season)
	for w := windows; w >= 1; w-- {
		first := n - horizon - (w-1)*step
		if first >= need {
			return plan{windows: w, horizon: horizon, step: step, first: first}, true
		}
	}
	for _, train := range []int{need, absoluteMinTrain} {
		if h := n - train; h >= 1 {
			h = min(h, horizon)
			return plan{windows: 1, horizon: h, step: step, first: n - h}, true
		}
	}
	return plan{}, false
}
