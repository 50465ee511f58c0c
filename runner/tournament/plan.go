package tournament

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
