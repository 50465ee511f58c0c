package arima

import "math"

// polys holds the expanded ARMA polynomials of one coefficient vector:
// φ(B)Φ(B^m) = 1 − Σ ar[j]·B^j and θ(B)Θ(B^m) = 1 + Σ ma[j]·B^j. The lag
// lists hold the lags that can be non-zero, so the recursions skip the
// zeros between seasonal lags.
type polys struct {
	ar, ma       []float64 // ar[0] = 0, ma[0] = 1; padded to the state size
	arLags       []int
	maLags       []int
	nAR, nMA     int // expanded degrees
	stateSize    int // max(nAR, nMA+1), the Kalman state dimension
	constant     float64
	hasConstant  bool
	p, q, sp, sq int
	season       int
}

func newPolys(s spec) *polys {
	m := s.season
	pl := &polys{p: s.order.P, q: s.order.Q, sp: s.seasonal.P, sq: s.seasonal.Q, season: m, hasConstant: s.hasConstant()}
	pl.nAR = pl.p + pl.sp*m
	pl.nMA = pl.q + pl.sq*m
	pl.stateSize = max(pl.nAR, pl.nMA+1)
	pl.ar = make([]float64, pl.stateSize+1)
	pl.ma = make([]float64, pl.stateSize+1)
	pl.arLags = productLags(pl.p, pl.sp, m)
	pl.maLags = productLags(pl.q, pl.sq, m)
	return pl
}

// productLags lists the lags of a product of a degree-p polynomial and a
// degree-sp polynomial in B^m.
func productLags(p, sp, m int) []int {
	seen := map[int]bool{}
	var lags []int
	add := func(l int) {
		if !seen[l] {
			seen[l] = true
			lags = append(lags, l)
		}
	}
	for i := 1; i <= p; i++ {
		add(i)
	}
	for k := 1; k <= sp; k++ {
		add(k * m)
		for i := 1; i <= p; i++ {
			add(i + k*m)
		}
	}
	return lags
}

// set expands coef, laid out as R orders them (ar, ma, sar, sma, then the
// constant), into the polynomials.
func (pl *polys) set(coef []float64) {
	clear(pl.ar)
	clear(pl.ma)
	pl.ma[0] = 1
	phi, theta := coef[:pl.p], coef[pl.p:pl.p+pl.q]
	sphi := coef[pl.p+pl.q : pl.p+pl.q+pl.sp]
	stheta := coef[pl.p+pl.q+pl.sp : pl.p+pl.q+pl.sp+pl.sq]
	expand(pl.ar, phi, sphi, pl.season, -1)
	expand(pl.ma, theta, stheta, pl.season, 1)
	pl.constant = 0
	if pl.hasConstant {
		pl.constant = coef[len(coef)-1]
	}
}

// expand adds the coefficients of (1 + sign·Σc_i B^i)(1 + sign·ΣC_k B^km)
// − 1, divided by sign, to dst: for the AR side (sign −1) the products
// enter with a minus sign, for the MA side (sign +1) with a plus.
func expand(dst, c, sc []float64, m int, sign float64) {
	for i, v := range c {
		dst[i+1] += v
	}
	for k, sv := range sc {
		dst[(k+1)*m] += sv
		for i, v := range c {
			dst[i+1+(k+1)*m] += sign * v * sv
		}
	}
}

// stationary reports whether 1 − Σc_i z^i has all its roots outside the
// circle of radius scale, by the Schur–Cohn step-down recursion: the
// partial autocorrelations it recovers must all be inside (−1, 1).
func stationary(c []float64, scale float64) bool {
	k := len(c)
	for k > 0 && c[k-1] == 0 {
		k--
	}
	if k == 0 {
		return true
	}
	work := make([]float64, k)
	f := 1.0
	for i := range k {
		f *= scale
		work[i] = c[i] * f
	}
	for j := k; j > 0; j-- {
		kappa := work[j-1]
		if !(math.Abs(kappa) < 1) {
			return false
		}
		den := 1 - kappa*kappa
		lo, hi := 0, j-2
		for lo <= hi {
			a, b := work[lo], work[hi]
			work[lo] = (a + kappa*b) / den
			work[hi] = (b + kappa*a) / den
			lo++
			hi--
		}
	}
	return true
}

// pacfToAR maps unconstrained values through tanh to partial
// autocorrelations and then, by the Durbin–Levinson recursion, to the
// coefficients of a stationary AR polynomial (R's transform of the AR
// parameters). dst and raw have the same length; work is scratch.
func pacfToAR(dst, raw, work []float64) {
	for j, v := range raw {
		dst[j] = math.Tanh(v)
	}
	for j := 1; j < len(raw); j++ {
		kappa := dst[j]
		for k := range j {
			work[k] = dst[k] - kappa*dst[j-k-1]
		}
		copy(dst[:j], work[:j])
	}
}

// arToPACF inverts pacfToAR; ok is false when c is not stationary.
func arToPACF(dst, c []float64) (ok bool) {
	work := append([]float64(nil), c...)
	for j := len(c); j > 0; j-- {
		kappa := work[j-1]
		if !(math.Abs(kappa) < 1) {
			return false
		}
		dst[j-1] = math.Atanh(kappa)
		den := 1 - kappa*kappa
		prev := append([]float64(nil), work[:j-1]...)
		for i := range j - 1 {
			work[i] = (prev[i] + kappa*prev[j-2-i]) / den
		}
	}
	return true
}
