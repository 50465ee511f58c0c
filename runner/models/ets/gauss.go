package ets

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// gaussNewton computes Gauss–Newton steps on the free initial states. The
// Jacobian of the errors with respect to the states is propagated alongside
// the filter (forward-mode differentiation of the recursions), which costs
// one pass instead of one pass per state. J is stored transposed and J'J
// formed afterwards by BLAS as dot products of length n (gonum's assembly
// kernels), several times faster than rank-one updates step by step once
// there are 20 or more states (hourly seasons). Its buffers are reused.
type gaussNewton struct {
	f        form
	k        int
	dl, db   []float64 // derivatives of level and trend
	df       []float64 // derivatives of the current error
	ds       []float64 // ds[j*k+i]: seasonal state j by free state i
	jtj, jtr []float64 // normal equations: J'J (k×k) and J'r
	delta, z []float64
	trial    state
	jac      *jacobian
}

// jacobian holds J' (k×n, row-major) and the errors r. Auto shares one
// between its forms, since they are fitted one after the other.
type jacobian struct{ cols, res []float64 }

// resize returns J' and r for n errors and k states.
func (j *jacobian) resize(n, k int) (cols, res []float64) {
	if cap(j.cols) < n*k {
		j.cols = make([]float64, n*k)
	}
	if cap(j.res) < n {
		j.res = make([]float64, n)
	}
	return j.cols[:n*k], j.res[:n]
}

func newGaussNewton(f form, jac *jacobian) *gaussNewton {
	k := f.nStates()
	buf := make([]float64, 6*k+f.m*k+k*k)
	take := func(n int) []float64 { s := buf[:n:n]; buf = buf[n:]; return s }
	return &gaussNewton{f: f, k: k, dl: take(k), db: take(k), df: take(k), ds: take(f.m * k),
		jtr: take(k), delta: take(k), z: take(k), jtj: take(k * k), trial: newState(f.m), jac: jac}
}

// reset sets the derivatives of the initial states with respect to the
// free ones: the identity, except that a free seasonal state moves
// position 0 the other way through the normalisation.
func (g *gaussNewton) reset() {
	clear(g.dl)
	clear(g.db)
	clear(g.ds)
	g.dl[0] = 1
	first := 1
	if g.f.trend() {
		g.db[1] = 1
		first = 2
	}
	if g.f.seasonal() {
		for pos := 1; pos < g.f.m; pos++ {
			i := first + pos - 1
			g.ds[pos*g.k+i] = 1
			g.ds[i] = -1
		}
	}
}

// step returns the Gauss–Newton step δ = −(J'J)⁻¹J'r for the errors r of
// the form (relative for multiplicative error) at parameters p, starting
// from x0; ok is false when the normal equations are singular.
func (g *gaussNewton) step(p Params, x0 *state, y []float64) (delta []float64, ok bool) {
	g.reset()
	cols, res := g.jac.resize(len(y), g.k)
	st := &g.trial
	st.copyFrom(x0)
	l, b, s := st.level, st.trend, st.season
	j := 0
	for t, yt := range y {
		q := l + p.Phi*b
		var sj float64
		if s != nil {
			sj = s[j]
		}
		fc, d := g.partials(p, q, sj, yt)
		r, dr := yt-fc, -1.0
		if g.f.Error == Multiplicative {
			r, dr = yt/fc-1, -yt/(fc*fc)
		}
		res[t] = r
		g.advance(p, j, d, dr)
		for i, v := range g.df {
			cols[i*len(y)+t] = v
		}
		dev := yt - q // p − q, with p the deseasonalised observation
		switch g.f.Season {
		case Additive:
			dev = yt - sj - q
			s[j] = sj + p.Gamma*dev
		case Multiplicative:
			dev = yt/sj - q
			s[j] = sj + p.Gamma*(yt/q-sj)
		}
		l, b = q+p.Alpha*dev, p.Phi*b+p.Beta*dev
		if j++; j == len(s) {
			j = 0
		}
	}
	g.normalEquations(cols, res)
	return g.solve()
}

// normalEquations sets J'J (upper triangle) and J'r from J' (cols).
func (g *gaussNewton) normalEquations(cols, res []float64) {
	n := len(res)
	jt := blas64.General{Rows: g.k, Cols: n, Stride: n, Data: cols}
	blas64.Syrk(blas.NoTrans, 1, jt, 0, blas64.Symmetric{Uplo: blas.Upper, N: g.k, Stride: g.k, Data: g.jtj})
	blas64.Gemv(blas.NoTrans, 1, jt, blas64.Vector{N: n, Inc: 1, Data: res}, 0, blas64.Vector{N: g.k, Inc: 1, Data: g.jtr})
}

// partials returns the one-step forecast from q and the seasonal state sj
// with the step's partial derivatives.
func (g *gaussNewton) partials(p Params, q, sj, yt float64) (float64, derivs) {
	switch g.f.Season {
	case Additive:
		return q + sj, derivs{fq: 1, fs: 1, pq: -1, ps: -1, sq: -p.Gamma, ss: 1 - p.Gamma}
	case Multiplicative:
		return q * sj, derivs{fq: sj, fs: q, pq: -1, ps: -yt / (sj * sj), sq: -p.Gamma * yt / (q * q), ss: 1 - p.Gamma}
	}
	return q, derivs{fq: 1, pq: -1}
}

// derivs are one step's partial derivatives: of the forecast by q and by
// the current seasonal state, of the deviation p−q that drives the updates
// (p being the deseasonalised observation) by q and by the seasonal state,
// and of the new seasonal state by q and by the old one.
type derivs struct{ fq, fs, pq, ps, sq, ss float64 }

// advance sets df, the error's gradient, and carries the state
// derivatives through one step at seasonal position j.
func (g *gaussNewton) advance(p Params, j int, d derivs, dr float64) {
	df := g.df
	var row []float64
	if g.f.seasonal() {
		row = g.ds[j*g.k : (j+1)*g.k]
	}
	for i := range g.k {
		dq := g.dl[i] + p.Phi*g.db[i]
		var dsi float64
		if row != nil {
			dsi = row[i]
			row[i] = d.ss*dsi + d.sq*dq
		}
		df[i] = dr * (d.fq*dq + d.fs*dsi)
		ddev := d.pq*dq + d.ps*dsi
		g.dl[i] = dq + p.Alpha*ddev
		g.db[i] = p.Phi*g.db[i] + p.Beta*ddev
	}
}

// solve solves (J'J)δ = −J'r by Cholesky on the upper triangle, with a
// small ridge so that a flat direction cannot blow the step up.
func (g *gaussNewton) solve() ([]float64, bool) {
	k, a := g.k, g.jtj
	var trace float64
	for i := range k {
		trace += a[i*k+i]
	}
	if !(trace > 0) || math.IsInf(trace, 0) {
		return nil, false
	}
	if !cholesky(a, k, 1e-9*trace/float64(k)) {
		return nil, false
	}
	x := g.delta
	for i := range k { // R'w = −J'r
		v := -g.jtr[i]
		for r := range i {
			v -= a[r*k+i] * x[r]
		}
		x[i] = v / a[i*k+i]
	}
	for i := k - 1; i >= 0; i-- { // Rδ = w
		v := x[i]
		for c := i + 1; c < k; c++ {
			v -= a[i*k+c] * x[c]
		}
		x[i] = v / a[i*k+i]
	}
	return x, !hasNaN(x)
}

// cholesky overwrites the upper triangle of the k×k matrix a (plus ridge
// on the diagonal) with R such that R'R = a; it reports false when a is
// not positive definite.
func cholesky(a []float64, k int, ridge float64) bool {
	for i := range k {
		for c := i; c < k; c++ {
			v := a[i*k+c]
			for r := range i {
				v -= a[r*k+i] * a[r*k+c]
			}
			if c > i {
				a[i*k+c] = v / a[i*k+i]
				continue
			}
			if v += ridge; !(v > 0) {
				return false
			}
			a[i*k+i] = math.Sqrt(v)
		}
	}
	return true
}

func hasNaN(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return true
		}
	}
	return false
}
