package theta

import "math"

// recursion is the state-space form of the optimised theta methods of
// Fiorucci et al. (2016) on deseasonalised data x. With
// level ℓ_t = αx_t + (1−α)ℓ_{t−1} after t observations, the forecast from
// origin t is
//
//	μ_{t+h|t} = ℓ_t + (1−1/θ)·[(1−α)^t·A_t + ((h−1) + (1−(1−α)^{t+1})/α)·B_t]
//
// where A_t + B_t·s is the least-squares line through x_1..x_t (s = 1..t)
// for the dynamic model, and through the whole series for the static one.
// We write u = 1−1/θ, which runs over [0, 1) as theta runs over [1, ∞).
type recursion struct {
	x []float64
	// an, bn are the intercept and slope of the line through all of x:
	// the forecasts of both variants extrapolate them.
	an, bn float64
	// a, b hold the dynamic model's A_t, B_t for t = 0..n−1 (0 before any
	// observation, so the first forecast is the initial level); nil for
	// the static model.
	a, b []float64
}

func newRecursion(x []float64, dynamic bool) *recursion {
	r := &recursion{x: x}
	r.bn = 2 * halfSlope(x)
	r.an = mean(x) - float64(len(x)+1)/2*r.bn
	if dynamic {
		r.a, r.b = dynamicLines(x)
	}
	return r
}

// line returns A_t and B_t, the trend the forecast from origin t uses.
func (r *recursion) line(t int) (a, b float64) {
	if r.a == nil {
		return r.an, r.bn
	}
	return r.a[t], r.b[t]
}

// dynamicLines updates the least-squares line one observation at a time
// as Fiorucci et al. (2016) do: with mean x̄_t,
// B_t = (t−2)/(t+1)·B_{t−1} + 6(x_t − x̄_{t−1})/(t(t+1)) and
// A_t = x̄_t − (t+1)/2·B_t. a[t], b[t] is the line after t observations.
func dynamicLines(x []float64) (a, b []float64) {
	n := len(x)
	a, b = make([]float64, n), make([]float64, n)
	var avg, slope float64
	for t := 1; t < n; t++ {
		v, ft := x[t-1], float64(t)
		if t > 1 {
			slope = (ft-2)/(ft+1)*slope + 6*(v-avg)/(ft*(ft+1))
		}
		avg += (v - avg) / ft
		a[t], b[t] = avg-(ft+1)/2*slope, slope
	}
	return a, b
}

// driftWeight is the coefficient of B_t in the h-step forecast from origin
// t: (h−1) + (1−(1−α)^{t+1})/α, where decay = (1−α)^t.
func driftWeight(alpha, decay float64, h int) float64 {
	return float64(h-1) + (1-decay*(1-alpha))/alpha
}

// trendTerm is the bracket that u multiplies in the one-step forecast from
// origin t, with decay = (1−α)^t.
func (r *recursion) trendTerm(t int, alpha, decay float64) float64 {
	a, b := r.line(t)
	return decay*a + driftWeight(alpha, decay, 1)*b
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
