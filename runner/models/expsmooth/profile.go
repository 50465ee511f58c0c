package expsmooth

import "math"

// negligible is where the influence a_t of the initial states on the
// one-step errors is dropped: its square no longer moves the normal
// equations (a₁ = 1), and tracking it further would only cost time and,
// near underflow, subnormal arithmetic.
const negligible = 1e-12

// profileSSE returns, for a non-seasonal model, the smallest sum of squared
// one-step errors over all initial level and trend for the parameters p,
// and the change to st's level and trend that attains it.
//
// The one-step errors are affine in the initial states: e_t(x₀+δ) =
// e_t(x₀) − a_t·δ with a_t = w'D^{t−1}, D = F − g w' the discount matrix of
// the recursion. One pass from st accumulates e'e, A'e and A'A alongside
// the filter while a_t matters, then finishes as a plain filter, and the
// normal equations give δ. The initial states are thereby estimated
// exactly, as R's ets does by optimising them jointly, for a few
// independent multiply-adds per step. (Splitting the pass into a filter
// and a separate accumulation loop measured slower.)
func profileSSE(p Params, st state, y []float64, trend bool) (sse, dLevel, dTrend float64) {
	if !trend {
		sse, dLevel = profileLevel(p.Alpha, st.level, y)
		return sse, dLevel, 0
	}
	r := newRecursion(p)
	// a_{t+1} = a_t D, starting from w' = (1, φ).
	d11, d12 := 1-p.Alpha, p.Phi*(1-p.Alpha)
	d21, d22 := -p.Beta, p.Phi*(1-p.Beta)
	q, b := st.level+p.Phi*st.trend, st.trend
	a1, a2 := 1.0, p.Phi
	var ee, s11, s12, s22, r1, r2 float64
	t := 0
	for ; t < len(y) && math.Abs(a1)+math.Abs(a2) > negligible; t++ {
		yt := y[t]
		e := yt - q
		ee += e * e
		s11 += a1 * a1
		s12 += a1 * a2
		s22 += a2 * a2
		r1 += a1 * e
		r2 += a2 * e
		q, b = r.cq*q+(r.phi2*b+r.cu*yt), p.Phi*b+p.Beta*e
		a1, a2 = d11*a1+d21*a2, d12*a1+d22*a2
	}
	for _, yt := range y[t:] {
		e := yt - q
		ee += e * e
		q, b = r.cq*q+(r.phi2*b+r.cu*yt), p.Phi*b+p.Beta*e
	}
	det := s11*s22 - s12*s12
	if !(det > 1e-12*(s11*s22)) {
		return ee, 0, 0
	}
	dLevel = (s22*r1 - s12*r2) / det
	dTrend = (s11*r2 - s12*r1) / det
	return math.Max(ee-(dLevel*r1+dTrend*r2), 0), dLevel, dTrend
}

// profileLevel is profileSSE for simple exponential smoothing, where
// a_t = (1−α)^{t−1}.
func profileLevel(alpha, l float64, y []float64) (sse, dLevel float64) {
	a, decay := 1.0, 1-alpha
	var ee, s11, r1 float64
	t := 0
	for ; t < len(y) && a > negligible; t++ {
		yt := y[t]
		e := yt - l
		ee += e * e
		s11 += a * a
		r1 += a * e
		l = decay*l + alpha*yt
		a *= decay
	}
	for _, yt := range y[t:] {
		e := yt - l
		ee += e * e
		l = decay*l + alpha*yt
	}
	if !(s11 > 0) {
		return ee, 0
	}
	return math.Max(ee-r1*r1/s11, 0), r1 / s11
}
