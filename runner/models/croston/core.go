package croston

import "math"

// params are the smoothing constants of one fit.
type params struct {
	size       float64 // for the non-zero demand sizes
	occurrence float64 // for the intervals (Croston) or the probability (TSB)
}

// state is the recursion shared by the three methods: a smoothed demand
// size and a smoothed occurrence, which is the mean interval between
// demands for Croston and the demand probability for TSB.
type state struct {
	method     method
	params     params
	size       float64
	occurrence float64
	since      int  // periods since the last demand (Croston)
	started    bool // the smoothers hold a value
}

func newState(m method, p params, y []float64) state {
	s := state{method: m, params: p}
	if m == tsb {
		s.size, s.occurrence = meanSizeAndRate(y)
		s.started = true
	}
	return s
}

// newMeanState starts Classic or SBA at the history's mean demand size and
// mean interval between demands, as tsintermittent's crost does with
// init = "mean", rather than at the first demand and the wait for it,
// which one early spike or a late first sale would decide. y has demand.
func newMeanState(m method, p params, y []float64) state {
	size, rate := meanSizeAndRate(y)
	return state{method: m, params: p, size: size, occurrence: 1 / rate, started: true}
}

// forecast is the demand per period expected after what was observed so far.
func (s *state) forecast() float64 {
	switch {
	case s.method == tsb:
		return s.occurrence * s.size
	case !s.started:
		return 0
	case s.method == sba:
		// Syntetos and Boylan's correction of Croston's bias depends on
		// the constant that smooths the intervals.
		return (1 - s.params.occurrence/2) * s.size / s.occurrence
	default:
		return s.size / s.occurrence
	}
}

// observe updates the state with one period's demand v.
func (s *state) observe(v float64) {
	if s.method == tsb {
		s.observeTSB(v)
		return
	}
	s.since++
	if v <= 0 {
		return
	}
	if !s.started {
		// Croston starts both smoothers at their first value, as R's
		// ses(initial = "simple") does.
		s.size, s.occurrence, s.started = v, float64(s.since), true
	} else {
		a, b := s.params.size, s.params.occurrence
		s.size = a*v + (1-a)*s.size
		s.occurrence = b*float64(s.since) + (1-b)*s.occurrence
	}
	s.since = 0
}

func (s *state) observeTSB(v float64) {
	b := s.params.occurrence
	if v > 0 {
		s.occurrence = b + (1-b)*s.occurrence
		s.size = s.params.size*v + (1-s.params.size)*s.size
		return
	}
	s.occurrence = (1 - b) * s.occurrence
}

// filter runs the recursion over y and returns the final forecast and the
// sum of squared one-step errors. When fitted is not nil it receives the
// one-step forecasts. An all-zero series has zero forecasts throughout.
func (m Model) filter(y []float64, p params, fitted []float64) (level, sse float64) {
	if allZero(y) {
		clear(fitted)
		return 0, 0
	}
	s := newState(m.method, p, y)
	if m.optimised && m.method != tsb {
		s = newMeanState(m.method, p, y)
	}
	return s.run(y, fitted)
}

// run feeds y through the state, writing one-step forecasts into fitted
// unless it is nil. Croston's first forecast is NaN, as in R, because it has
// seen nothing yet; it is left out of the error sum.
func (s state) run(y []float64, fitted []float64) (level, sse float64) {
	for t, v := range y {
		f := s.forecast()
		if t == 0 && !s.started {
			f = math.NaN()
		} else {
			sse += (v - f) * (v - f)
		}
		if fitted != nil {
			fitted[t] = f
		}
		s.observe(v)
	}
	return s.forecast(), sse
}

func allZero(y []float64) bool {
	for _, v := range y {
		if v != 0 {
			return false
		}
	}
	return true
}

// meanSizeAndRate returns the mean non-zero demand and the share of periods
// with demand: TSB's starting size and probability.
func meanSizeAndRate(y []float64) (size, rate float64) {
	var sum float64
	var count int
	for _, v := range y {
		if v > 0 {
			sum += v
			count++
		}
	}
	if count == 0 {
		return 0, 0
	}
	return sum / float64(count), float64(count) / float64(len(y))
}
