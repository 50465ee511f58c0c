package expsmooth

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// toFree lists the free initial states: level, trend, and the seasonal
// states of positions 1..period-1 (position 0 is fixed by normalisation).
func (s spec) toFree(st state, z []float64) {
	z[0] = st.level
	i := 1
	if s.trend {
		z[i] = st.trend
		i++
	}
	if s.season != noSeason {
		copy(z[i:], st.season[1:])
	}
}

// fromFree is the inverse of toFree; it renormalises the seasonal states.
func (s spec) fromFree(z []float64, st *state) {
	st.level = z[0]
	i := 1
	if s.trend {
		st.trend = z[i]
		i++
	}
	if s.season == noSeason {
		return
	}
	copy(st.season[1:], z[i:])
	target := 0.0
	if s.season == Multiplicative {
		target = float64(s.period)
	}
	var rest float64
	for _, v := range st.season[1:] {
		rest += v
	}
	st.season[0] = target - rest
}

// refineStates improves the initial states of a seasonal model for fixed
// smoothing parameters by one Gauss–Newton step on the one-step errors.
// For the additive model the forecasts are affine in the initial states,
// so the step lands on the least-squares optimum; for the multiplicative
// model it is a linearisation (further steps lowered the in-sample error
// slightly but not the out-of-sample error on m4-hourly items). The step
// is kept only if it lowers the squared errors.
func (s spec) refineStates(p Params, x0 state, y []float64) (state, bool) {
	k := s.nStates()
	if k > maxRefinedStates {
		return x0, false
	}
	sse0, jtj, jtr := s.normalEquations(p, x0, y)
	delta, ok := solveNormal(jtj, jtr, k)
	if !ok {
		return x0, false
	}
	z := make([]float64, k)
	s.toFree(x0, z)
	for i := range z {
		z[i] += delta[i]
	}
	next := x0.clone()
	s.fromFree(z, &next)
	work := next.clone()
	if !(s.filter(p, &work, y, nil) < sse0) {
		return x0, false
	}
	return next, true
}

// maxRefinedStates bounds the refinement, whose cost grows as the square
// of the number of states: beyond it (seasons longer than 63, which R's
// ets refuses altogether) the heuristic states stay.
const maxRefinedStates = 64

// normalEquations filters y from x0 and returns the sum of squared one-step
// errors with J'J (upper triangle, k×k row-major) and J'e, where J is the
// Jacobian of the one-step forecasts with respect to the free initial
// states. J is propagated alongside the filter (forward-mode
// differentiation of the recursion in its q-form, see filter.go), which
// costs one pass instead of one pass per state.
func (s spec) normalEquations(p Params, x0 state, y []float64) (sse float64, jtj, jtr []float64) {
	k, m := s.nStates(), s.period
	sens := newSensitivities(s, p, k, m)
	jtj, jtr = make([]float64, k*k), make([]float64, k)
	r := newRecursion(p)
	st := x0.clone()
	q, b, sv := st.level+p.Phi*st.trend, st.trend, st.season
	mult := s.season == Multiplicative
	j := 0
	for _, yt := range y {
		sj := sv[j]
		// The step's forecast f, adjusted observation u, and the partial
		// derivatives that carry the sensitivities through it.
		f, u, d := q+sj, yt-sj, stepDerivatives{fq: 1, fs: 1, us: -1, sq: -p.Gamma}
		if mult {
			f, u = q*sj, yt/sj
			d = stepDerivatives{fq: sj, fs: q, us: -yt / (sj * sj), sq: -p.Gamma * yt / (q * q)}
		}
		e := yt - f
		sse += e * e
		sens.step(j, d)
		accumulate(jtj, jtr, sens.df, e)
		if mult {
			sv[j] = sj + p.Gamma*(yt/q-sj)
		} else {
			sv[j] = sj + p.Gamma*e
		}
		q, b = r.cq*q+(r.phi2*b+r.cu*u), p.Phi*b+p.Beta*(u-q)
		if j++; j == m {
			j = 0
		}
	}
	return sse, jtj, jtr
}

// stepDerivatives are the partial derivatives of one step: of the forecast
// with respect to q and to the current seasonal state, of the adjusted
// observation u with respect to that state, and of the new seasonal state
// with respect to q (its derivative with respect to itself is 1−γ).
type stepDerivatives struct{ fq, fs, us, sq float64 }

// sensitivities are the derivatives of q, b and every seasonal state with
// respect to each free initial state, and df those of the current forecast.
type sensitivities struct {
	p      Params
	r      recursion
	k      int
	dq, db []float64
	ds     []float64 // ds[j*k+i]: seasonal state j with respect to free state i
	df     []float64
}

func newSensitivities(s spec, p Params, k, m int) *sensitivities {
	buf := make([]float64, 3*k+m*k)
	c := &sensitivities{p: p, r: newRecursion(p), k: k, dq: buf[:k], db: buf[k : 2*k], df: buf[2*k : 3*k], ds: buf[3*k:]}
	c.dq[0] = 1 // the level enters q = l + φb directly
	first := 1
	if s.trend {
		c.dq[1], c.db[1] = p.Phi, 1
		first = 2
	}
	// Free seasonal state i moves position i up and, through the
	// normalisation, position 0 down.
	for pos := 1; pos < m; pos++ {
		i := first + pos - 1
		c.ds[pos*k+i] = 1
		c.ds[i] = -1
	}
	return c
}

// step advances the sensitivities over one observation at seasonal
// position j, leaving the forecast's in df.
func (c *sensitivities) step(j int, d stepDerivatives) {
	row := c.ds[j*c.k : (j+1)*c.k]
	keep := 1 - c.p.Gamma
	for i, dsi := range row {
		dqi := c.dq[i]
		du := d.us * dsi
		c.df[i] = d.fq*dqi + d.fs*dsi
		row[i] = keep*dsi + d.sq*dqi
		c.dq[i] = c.r.cq*dqi + (c.r.phi2*c.db[i] + c.r.cu*du)
		c.db[i] = c.p.Phi*c.db[i] + c.p.Beta*(du-dqi)
	}
}

// accumulate adds df·df' to the upper triangle of jtj and df·e to jtr.
func accumulate(jtj, jtr, df []float64, e float64) {
	k := len(df)
	for a, fa := range df {
		if fa == 0 {
			continue
		}
		jtr[a] += fa * e
		row := jtj[a*k : (a+1)*k]
		for b := a; b < k; b++ {
			row[b] += fa * df[b]
		}
	}
}

// solveNormal solves (J'J)δ = J'e by Cholesky, with a tiny ridge so that a
// flat direction cannot blow up; jtj holds the upper triangle.
func solveNormal(jtj, jtr []float64, k int) ([]float64, bool) {
	sym := mat.NewSymDense(k, nil)
	var trace float64
	for a := range k {
		for b := a; b < k; b++ {
			sym.SetSym(a, b, jtj[a*k+b])
		}
		trace += jtj[a*k+a]
	}
	if !(trace > 0) || math.IsInf(trace, 0) {
		return nil, false
	}
	for a := range k {
		sym.SetSym(a, a, jtj[a*k+a]+1e-10*trace/float64(k))
	}
	var chol mat.Cholesky
	if !chol.Factorize(sym) {
		return nil, false
	}
	var delta mat.VecDense
	if err := chol.SolveVecTo(&delta, mat.NewVecDense(k, jtr)); err != nil {
		return nil, false
	}
	return delta.RawVector().Data, true
}
