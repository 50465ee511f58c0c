package arima

import (
	"math"

	"gonum.org/v1/gonum/floats"
)

// cssProblem evaluates the conditional sum of squares of an ARMA model on
// a differenced series w, as R's arima with method "CSS": the residuals
// are taken as zero before the first nAR observations and the recursion
// e_t = u_t − Σ ar_j u_{t−j} − Σ ma_j e_{t−j}, u = w − constant, runs
// from there. Its buffers are reused across evaluations.
type cssProblem struct {
	pl  *polys
	w   []float64
	u   []float64
	pad int       // leading zeros before the residuals, so e_{t−j} needs no bounds check
	e   []float64 // pad + len(w)
	k   int
	// Jacobian workspace (see jacobian): series laid out as e, zero
	// before the first residual; cols are views into them.
	series [][]float64
	eOnly  [][]float64 // {e}, for filterAll
	cols   [][]float64
	src    []float64 // len(w): the input an AR-side derivative is forced by
	maLags []int     // pl.maLags, largest first
	maCoef []float64 // their coefficients at the current point
}

func newCSSProblem(pl *polys, w []float64, k int) *cssProblem {
	pad := pl.nMA
	c := &cssProblem{
		pl: pl, w: w, k: k, pad: pad,
		u:      make([]float64, len(w)),
		e:      make([]float64, pad+len(w)),
		cols:   make([][]float64, k),
		src:    make([]float64, len(w)),
		maCoef: make([]float64, len(pl.maLags)),
	}
	c.eOnly = [][]float64{c.e}
	c.maLags = reversed(pl.maLags)
	// one series per AR and seasonal AR coefficient, one for all MA
	// coefficients, one for all seasonal MA ones, one for the constant
	nSeries := pl.p + pl.sp + b2i(pl.q > 0) + b2i(pl.sq > 0) + b2i(pl.hasConstant)
	buf := make([]float64, nSeries*(pad+len(w)))
	for i := range nSeries {
		c.series = append(c.series, buf[i*(pad+len(w)):(i+1)*(pad+len(w))])
	}
	return c
}

// reversed returns a reversed copy of lags. The MA recursion subtracts
// the largest lags first, so that the term of the most recent value,
// which waits for the previous step, comes last (see filterAll) and the
// others overlap with that wait.
func reversed(lags []int) []int {
	out := make([]int, len(lags))
	for i, l := range lags {
		out[len(lags)-1-i] = l
	}
	return out
}

// start is the first time with a residual.
func (c *cssProblem) start() int { return c.pl.nAR }

// count is the number of residuals.
func (c *cssProblem) count() int { return len(c.w) - c.pl.nAR }

// ssq returns the sum of squared conditional residuals at coef.
func (c *cssProblem) ssq(coef []float64) float64 {
	pl := c.pl
	pl.set(coef)
	for t, v := range c.w {
		c.u[t] = v - pl.constant
	}
	for i, l := range c.maLags {
		c.maCoef[i] = pl.ma[l]
	}
	// the AR part over whole vectors, then the MA recursion in place
	pad, n, start := c.pad, len(c.w), c.start()
	e := c.e[pad+start : pad+n]
	copy(e, c.u[start:n])
	for _, l := range pl.arLags {
		floats.AddScaled(e, -pl.ar[l], c.u[start-l:n-l])
	}
	c.filterAll(c.eOnly)
	ssq := floats.Dot(e, e)
	if math.IsNaN(ssq) {
		return math.Inf(1)
	}
	return ssq
}

// jacobian computes the derivatives of the residuals with respect to the
// coefficients (R's order: ar, ma, sar, sma, constant) at the point of
// the last ssq call, and sets jtj = JᵀJ and grad = Jᵀe.
//
// Differentiating the recursion, every derivative ∂e_t obeys the MA
// recursion of the residuals, ∂e_t = f_t − Σ ma_l ∂e_{t−l}, zero before
// the first residual, forced by
//
//	φ_i: −(Φ(B^m)u)_{t−i}    Φ_s: −(φ(B)u)_{t−sm}
//	θ_i: −(Θ(B^m)e)_{t−i}    Θ_s: −(θ(B)e)_{t−sm}
//	constant: −1 + Σ ar_l
//
// Each is one pass of the recursion over a column, and JᵀJ is dot
// products of columns. The residuals vanish before the first one, so the
// MA forcings vanish there too and the derivative for θ_i is that for
// θ_1 delayed by i − 1 steps: one pass serves all MA coefficients, and
// another all seasonal MA ones. The AR forcings do not vanish before the
// first residual (u does not), so their columns differ at the start and
// each gets its own pass; the derivatives are exact.
func (c *cssProblem) jacobian(coef, jtj, grad []float64) {
	pl, k, pad, n, start := c.pl, c.k, c.pad, len(c.w), c.start()
	m := pl.season
	p, q, sp, sq := pl.p, pl.q, pl.sp, pl.sq
	phi, theta := coef[:p], coef[p:p+q]
	sphi := coef[p+q : p+q+sp]
	stheta := coef[p+q+sp : p+q+sp+sq]
	e := c.e
	ns := 0
	next := func() []float64 { ns++; return c.series[ns-1] }
	// φ_i: src = −Φ(B^m)u, defined from t = sp·m = start − p on.
	if p > 0 {
		negPoly(c.src, c.u, sp*m, n, sphi, m, -1)
		for i := 1; i <= p; i++ {
			b := next()
			copy(b[pad+start:pad+n], c.src[start-i:n-i])
			c.cols[i-1] = b[pad+start : pad+n]
		}
	}
	if q > 0 {
		b := next()
		negPoly(b, e, pad+start, pad+n, stheta, m, 1)
		for i := 1; i <= q; i++ {
			c.cols[p+i-1] = b[pad+start-i : pad+n-i]
		}
	}
	// Φ_s: src = −φ(B)u, defined from t = p = start − sp·m on.
	if sp > 0 {
		negPoly(c.src, c.u, p, n, phi, 1, -1)
		for s := 1; s <= sp; s++ {
			b := next()
			copy(b[pad+start:pad+n], c.src[start-s*m:n-s*m])
			c.cols[p+q+s-1] = b[pad+start : pad+n]
		}
	}
	if sq > 0 {
		b := next()
		negPoly(b, e, pad+start, pad+n, theta, 1, 1)
		for s := 1; s <= sq; s++ {
			c.cols[p+q+sp+s-1] = b[pad+start-s*m : pad+n-s*m]
		}
	}
	if pl.hasConstant {
		f := -1.0
		for _, l := range pl.arLags {
			f += pl.ar[l]
		}
		b := next()
		for t := start; t < n; t++ {
			b[pad+t] = f
		}
		c.cols[k-1] = b[pad+start : pad+n]
	}
	c.filterAll(c.series[:ns])
	res := e[pad+start : pad+n]
	for i := range k {
		grad[i] = floats.Dot(c.cols[i], res)
		for j := 0; j <= i; j++ {
			v := floats.Dot(c.cols[i], c.cols[j])
			jtj[i*k+j], jtj[j*k+i] = v, v
		}
	}
}

// negPoly sets dst[t] = −(x_t + sign·Σ_i c_i·x_{t−(i+1)·step}) for t in
// [lo, hi), a polynomial in B^step applied to x, by whole-vector
// operations rather than a short loop per t.
func negPoly(dst, x []float64, lo, hi int, c []float64, step int, sign float64) {
	d := dst[lo:hi]
	for i, v := range x[lo:hi] {
		d[i] = -v
	}
	for i, cv := range c {
		floats.AddScaled(d, -sign*cv, x[lo-(i+1)*step:hi-(i+1)*step])
	}
}

// filterAll runs the MA recursion of the residuals in place over the
// residual times of every series (laid out as e):
// b_t ← b_t − Σ ma_l b_{t−l}. The recursion is bound by the latency of
// its lag-1 term, so two series share a loop to overlap their waits, and
// that term is carried in a register rather than reloaded from the
// store just made.
func (c *cssProblem) filterAll(series [][]float64) {
	lags, coefs := c.maLags, c.maCoef[:len(c.maLags)]
	if len(lags) == 0 {
		return
	}
	t0 := c.pad + c.start()
	// lag 1, when present, is the last of the lags (largest first)
	c1 := 0.0
	if last := len(lags) - 1; lags[last] == 1 {
		c1, lags, coefs = coefs[last], lags[:last], coefs[:last]
	}
	for ; len(series) >= 2; series = series[2:] {
		filter2(series[0], series[1], t0, lags, coefs, c1)
	}
	if len(series) == 1 {
		filter1(series[0], t0, lags, coefs, c1)
	}
}

// filter2 is the recursion of filterAll over a and b together.
func filter2(a, b []float64, t0 int, lags []int, coefs []float64, c1 float64) {
	b = b[:len(a)]
	pa, pb := a[t0-1], b[t0-1]
	for t := t0; t < len(a); t++ {
		va, vb := a[t], b[t]
		for i, l := range lags {
			va -= coefs[i] * a[t-l]
			vb -= coefs[i] * b[t-l]
		}
		va -= c1 * pa
		vb -= c1 * pb
		a[t], b[t] = va, vb
		pa, pb = va, vb
	}
}

// filter1 is the recursion of filterAll over a alone.
func filter1(a []float64, t0 int, lags []int, coefs []float64, c1 float64) {
	pa := a[t0-1]
	for t := t0; t < len(a); t++ {
		va := a[t]
		for i, l := range lags {
			va -= coefs[i] * a[t-l]
		}
		va -= c1 * pa
		a[t] = va
		pa = va
	}
}
