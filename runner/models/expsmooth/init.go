package expsmooth

import "math"

// heuristicState returns R's ets starting states (initstate): seasonal
// indices from a classical decomposition of the whole series, then level
// (and trend) from the first max(10, 2·period) seasonally adjusted values.
// R fits a Fourier regression instead of decomposing when the series is
// shorter than three seasons; we decompose whenever there are two.
func (s spec) heuristicState(y []float64) state {
	st := newState(s.period)
	adjust := func(t int) float64 { return y[t] }
	if s.season != noSeason {
		mult := s.season == Multiplicative
		fig := SeasonalFigure(y, s.period, mult)
		copy(st.season, fig)
		s.normaliseSeason(st.season)
		if mult {
			adjust = func(t int) float64 { return y[t] / math.Max(fig[t%s.period], 0.01) }
		} else {
			adjust = func(t int) float64 { return y[t] - fig[t%s.period] }
		}
	}
	maxn := min(max(10, 2*s.period), len(y))
	if !s.trend {
		var sum float64
		for t := range maxn {
			sum += adjust(t)
		}
		st.level = sum / float64(maxn)
		return st
	}
	st.level, st.trend = lineFit(maxn, adjust)
	if math.Abs(st.level+st.trend) < 1e-8 {
		st.level *= 1 + 1e-3
		st.trend *= 1 - 1e-3
	}
	return st
}

// normaliseSeason applies R's constraints on the initial seasonal states:
// multiplicative indices at least 0.01 and scaled down when they sum to more
// than period, and the index of the first observation set so that the
// indices sum to 0 (additive) or period (multiplicative).
func (s spec) normaliseSeason(fig []float64) {
	target := 0.0
	if s.season == Multiplicative {
		target = float64(s.period)
		var sum float64
		for k := 1; k < len(fig); k++ {
			fig[k] = math.Max(fig[k], 0.01)
			sum += fig[k]
		}
		if sum > target {
			scale := sum + 0.01*float64(len(fig)-1)
			for k := 1; k < len(fig); k++ {
				fig[k] /= scale
			}
		}
	}
	var rest float64
	for k := 1; k < len(fig); k++ {
		rest += fig[k]
	}
	fig[0] = target - rest
}

// lineFit regresses v(t) on t = 1..n and returns the intercept (the value
// at t = 0) and the slope.
func lineFit(n int, v func(int) float64) (intercept, slope float64) {
	var sx, sy, sxx, sxy float64
	for t := range n {
		x, yv := float64(t+1), v(t)
		sx += x
		sy += yv
		sxx += x * x
		sxy += x * yv
	}
	fn := float64(n)
	den := fn*sxx - sx*sx
	if den == 0 {
		return sy / fn, 0
	}
	slope = (fn*sxy - sx*sy) / den
	return (sy - slope*sx) / fn, slope
}
