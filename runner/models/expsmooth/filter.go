package expsmooth

import "math"

// Params are the smoothing parameters in R's ets parameterisation: Beta is
// the trend's error-correction weight (0 < Beta < Alpha) and Gamma the
// seasonal one (0 < Gamma < 1-Alpha). Phi is 1 without damping.
type Params struct {
	Alpha, Beta, Gamma, Phi float64
}

// state holds the components at one time. Season[k] is the seasonal
// component for the times t ≡ k (mod period), t = 0 being the first
// observation, so filtering never shifts the seasonal states.
type state struct {
	level, trend float64
	season       []float64
}

func newState(period int) state {
	if period < 2 {
		return state{}
	}
	return state{season: make([]float64, period)}
}

func (st *state) copyFrom(src state) {
	st.level, st.trend = src.level, src.trend
	copy(st.season, src.season)
}

func (st state) clone() state {
	c := newState(len(st.season))
	c.copyFrom(st)
	return c
}

// filter runs the error-correction recursions over y, starting from st and
// leaving the final state in st. It returns the sum of squared one-step
// errors y-ŷ (R's opt.crit = "mse" for every member, additive or
// multiplicative error alike) and, when fitted is not nil, stores the
// one-step forecasts ŷ in it. It allocates nothing.
func (s spec) filter(p Params, st *state, y, fitted []float64) float64 {
	var sse float64
	switch s.season {
	case Additive:
		sse = filterAdditive(p, st, y, fitted)
	case Multiplicative:
		sse = filterMultiplicative(p, st, y, fitted)
	default:
		sse = filterTrend(p, st, y, fitted)
	}
	if math.IsNaN(sse) {
		return math.Inf(1)
	}
	return sse
}

// The loops below carry q = l + φb, the level the next observation is
// forecast from, instead of l. Substituting the level and trend updates
// gives q' = (1−α−φβ)q + φ²b + (α+φβ)u, where u is the seasonally adjusted
// observation; written so, each step waits for one multiply and one add on
// q instead of the five dependent operations of the textbook form, while
// the one-step error is computed off that critical path. The states are
// the same as R's up to rounding.

// recursion holds the coefficients of the q-form recursion.
type recursion struct {
	cq, cu, phi2 float64
}

func newRecursion(p Params) recursion {
	return recursion{cq: 1 - p.Alpha - p.Phi*p.Beta, cu: p.Alpha + p.Phi*p.Beta, phi2: p.Phi * p.Phi}
}

// filterTrend covers SES (Beta = 0 and a zero trend stay zero), Holt and
// damped Holt.
func filterTrend(p Params, st *state, y, fitted []float64) float64 {
	r := newRecursion(p)
	q, b := st.level+p.Phi*st.trend, st.trend
	var sse float64
	for t, yt := range y {
		if fitted != nil {
			fitted[t] = q
		}
		e := yt - q
		sse += e * e
		q, b = r.cq*q+(r.phi2*b+r.cu*yt), p.Phi*b+p.Beta*e
	}
	st.level, st.trend = q-p.Phi*b, b
	return sse
}

// filterAdditive is ETS(A,A,A) (or A,Ad,A).
func filterAdditive(p Params, st *state, y, fitted []float64) float64 {
	r := newRecursion(p)
	q, b, s := st.level+p.Phi*st.trend, st.trend, st.season
	j := 0
	var sse float64
	for t, yt := range y {
		sj := s[j]
		if fitted != nil {
			fitted[t] = q + sj
		}
		u := yt - sj
		e := u - q
		sse += e * e
		s[j] = sj + p.Gamma*e
		q, b = r.cq*q+(r.phi2*b+r.cu*u), p.Phi*b+p.Beta*e
		if j++; j == len(s) {
			j = 0
		}
	}
	st.level, st.trend = q-p.Phi*b, b
	return sse
}

// filterMultiplicative is ETS(M,A,M) (or M,Ad,M). Its updates are R's
// etscalc ones, which work on the deseasonalised observation y/s.
func filterMultiplicative(p Params, st *state, y, fitted []float64) float64 {
	r := newRecursion(p)
	q, b, s := st.level+p.Phi*st.trend, st.trend, st.season
	j := 0
	var sse float64
	for t, yt := range y {
		sj := s[j]
		f := q * sj
		if fitted != nil {
			fitted[t] = f
		}
		e := yt - f
		sse += e * e
		u := yt / sj
		s[j] = sj + p.Gamma*(yt/q-sj)
		q, b = r.cq*q+(r.phi2*b+r.cu*u), p.Phi*b+p.Beta*(u-q)
		if j++; j == len(s) {
			j = 0
		}
	}
	st.level, st.trend = q-p.Phi*b, b
	return sse
}
