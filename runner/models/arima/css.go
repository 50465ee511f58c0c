package arima

import "math"

// cssProblem evaluates the conditional sum of squares of an ARMA model on
// a differenced series w, as R's arima with method "CSS": the residuals
// are taken as zero before the first nAR observations and the recursion
// e_t = u_t − Σ ar_j u_{t−j} − Σ ma_j e_{t−j}, u = w − constant, runs
// from there. Its buffers are reused across evaluations.
type cssProblem struct {
	pl    *polys
	w     []float64
	u     []float64
	pad   int       // leading zeros before the residuals, so e_{t−j} needs no bounds check
	e     []float64 // pad + len(w)
	deriv []float64 // (pad + len(w)) rows of numCoef derivatives
	k     int
	// forcing terms of each coefficient's derivative (see setForcing)
	fTerms []term
	fStart []int
	fConst []float64
}

func newCSSProblem(pl *polys, w []float64, k int) *cssProblem {
	pad := pl.nMA
	return &cssProblem{
		pl: pl, w: w, k: k, pad: pad,
		u:     make([]float64, len(w)),
		e:     make([]float64, pad+len(w)),
		deriv: make([]float64, k*(pad+len(w))),
	}
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
	e := c.e[c.pad:]
	var ssq float64
	for t := c.start(); t < len(c.w); t++ {
		v := c.u[t]
		for _, l := range pl.arLags {
			v -= pl.ar[l] * c.u[t-l]
		}
		for _, l := range pl.maLags {
			v -= pl.ma[l] * c.e[c.pad+t-l]
		}
		e[t] = v
		ssq += v * v
	}
	if math.IsNaN(ssq) {
		return math.Inf(1)
	}
	return ssq
}

// jacobian fills the derivative of every residual with respect to every
// coefficient at the point of the last ssq call, and accumulates JᵀJ
// into jtj and Jᵀe into grad. The derivatives are stored time-major (the
// k derivatives of one residual side by side), so the MA recursion and
// the accumulation run over contiguous memory.
func (c *cssProblem) jacobian(coef, jtj, grad []float64) {
	pl, k, pad := c.pl, c.k, c.pad
	c.setForcing(coef)
	d := c.deriv
	clear(d[:(pad+c.start())*k])
	clear(jtj)
	clear(grad)
	e := c.e
	for t := c.start(); t < len(c.w); t++ {
		row := d[(pad+t)*k : (pad+t+1)*k]
		for j := range k {
			f := c.fConst[j]
			for _, tm := range c.fTerms[c.fStart[j]:c.fStart[j+1]] {
				if tm.lag > 0 {
					f -= tm.val * c.u[t-tm.lag]
				} else {
					f -= tm.val * e[pad+t+tm.lag]
				}
			}
			row[j] = f
		}
		for _, l := range pl.maLags {
			b := pl.ma[l]
			prev := d[(pad+t-l)*k : (pad+t-l+1)*k]
			for j := range row {
				row[j] -= b * prev[j]
			}
		}
		et := e[pad+t]
		for i, di := range row {
			grad[i] += di * et
			acc := jtj[i*k : i*k+i+1]
			for j := range acc {
				acc[j] += di * row[j]
			}
		}
	}
	for i := range k {
		for j := 0; j < i; j++ {
			jtj[j*k+i] = jtj[i*k+j]
		}
	}
}

// term is one forcing term of a residual derivative: val·u_{t−lag} for a
// positive lag (AR side), val·e_{t+lag} for a negative one (MA side).
type term struct {
	lag int
	val float64
}

// setForcing sets, for every coefficient (R's order: ar, ma, sar, sma,
// constant), the derivative of the expanded polynomials as forcing terms
// of ∂e_t = −Σ terms − Σ ma_l ∂e_{t−l}, plus a constant for the mean.
func (c *cssProblem) setForcing(coef []float64) {
	pl := c.pl
	m := pl.season
	c.fTerms, c.fStart = c.fTerms[:0], c.fStart[:0]
	c.fConst = c.fConst[:0]
	add := func(l int, v float64) { c.fTerms = append(c.fTerms, term{l, v}) }
	phi, theta := coef[:pl.p], coef[pl.p:pl.p+pl.q]
	sphi := coef[pl.p+pl.q : pl.p+pl.q+pl.sp]
	stheta := coef[pl.p+pl.q+pl.sp : pl.p+pl.q+pl.sp+pl.sq]
	for j := range c.k {
		c.fStart = append(c.fStart, len(c.fTerms))
		constant := 0.0
		switch {
		case j < pl.p: // φ_i
			i := j + 1
			add(i, 1)
			for s, sv := range sphi {
				add(i+(s+1)*m, -sv)
			}
		case j < pl.p+pl.q: // θ_i
			i := j - pl.p + 1
			add(-i, 1)
			for s, sv := range stheta {
				add(-(i + (s+1)*m), sv)
			}
		case j < pl.p+pl.q+pl.sp: // Φ_s
			s := j - pl.p - pl.q + 1
			add(s*m, 1)
			for i, v := range phi {
				add(i+1+s*m, -v)
			}
		case j < pl.p+pl.q+pl.sp+pl.sq: // Θ_s
			s := j - pl.p - pl.q - pl.sp + 1
			add(-s*m, 1)
			for i, v := range theta {
				add(-(i + 1 + s*m), v)
			}
		default: // the constant: ∂u/∂c = −1
			constant = -1
			for _, l := range pl.arLags {
				constant += pl.ar[l]
			}
		}
		c.fConst = append(c.fConst, constant)
	}
	c.fStart = append(c.fStart, len(c.fTerms))
}
