package ets

// R's ets bounds (bounds = "both"): every smoothing parameter in
// [lowerBound, upperBound], phi in [phiLower, phiUpper], and the usual
// region beta ≤ alpha, gamma ≤ 1-alpha; seasonal models must also be
// admissible (forecastable).
const (
	lowerBound = 1e-4
	upperBound = 0.9999
	phiLower   = 0.8
	phiUpper   = 0.98
)

// usual reports whether p lies in the usual region of R's ets.
func (f form) usual(p Params) bool {
	if !(p.Alpha >= lowerBound && p.Alpha <= upperBound) {
		return false
	}
	if f.trend() && !(p.Beta >= lowerBound && p.Beta <= p.Alpha) {
		return false
	}
	// 1e-12 of slack: at alpha = 0.9999, 1-alpha rounds below gamma's lower
	// bound 1e-4, which is then the only value left.
	if f.seasonal() && !(p.Gamma >= lowerBound && p.Gamma <= 1-p.Alpha+1e-12) {
		return false
	}
	return !f.damped() || (p.Phi >= phiLower && p.Phi <= phiUpper)
}

// admissible reports whether the form is forecastable at p: the discount
// matrix D = F - g·w' of the state-space form has no eigenvalue outside the
// unit circle (Hyndman et al. 2008, chapter 10). For the non-seasonal forms
// the usual region implies it. For the seasonal ones the eigenvalues are
// the roots of a polynomial of degree m+1 (R's ets tests the same one),
// checked here with the Schur–Cohn recursion, which needs no root finding
// and no allocation for seasons up to maxSchurDegree.
func (f form) admissible(p Params) bool {
	if !f.seasonal() {
		return true
	}
	var buf [maxSchurDegree + 1]float64
	c := buf[:f.m+2]
	characteristic(p, f.m, c)
	return rootsWithin(c, 1+admissibleSlack)
}

// admissibleSlack lets roots sit on the unit circle, as R's 1e-10 does:
// ETS(·,N,A) and ETS(·,N,M) without damping always have the root 1. It is
// wider than R's because the Schur–Cohn recursion, unlike a root finder,
// loses precision as a root approaches its boundary.
const admissibleSlack = 1e-6

// maxSchurDegree bounds the characteristic polynomial's degree (m+1); R's
// ets allows seasons up to 24.
const maxSchurDegree = 64

// characteristic writes into c (ascending powers, len m+2) the polynomial
// whose roots are the eigenvalues of D:
// (1 + z + … + z^{m-1})·(z² + (α+φβ−1−φ)z + φ(1−α)) + γ(z − φ).
// It follows from substituting geometric sequences λ^t into the
// recursions with the data set to zero. (R's ets tests a polynomial with β
// where this one has φβ; they agree without damping.)
func characteristic(p Params, m int, c []float64) {
	a, b, g, phi := p.Alpha, p.Beta, p.Gamma, p.Phi
	q0, q1 := phi*(1-a), a+phi*b-1-phi
	c[0] = q0 - g*phi
	c[1] = q0 + q1 + g
	for i := 2; i < m; i++ {
		c[i] = q0 + q1 + 1
	}
	c[m] = q1 + 1
	c[m+1] = 1
}

// rootsWithin reports whether every root z of the polynomial c (ascending
// powers) has |z| < radius. It scales z = radius·w and applies the
// Schur–Cohn recursion: p(w) has all roots inside the unit disc if and only
// if |p₀| < |p_d| and the same holds for (p_d·p(w) − p₀·p*(w))/w, p* being
// p with its coefficients reversed. c is overwritten.
func rootsWithin(c []float64, radius float64) bool {
	var buf [maxSchurDegree + 2]float64
	next := buf[:len(c)]
	scale := 1.0
	for i := range c {
		c[i] *= scale
		scale *= radius
	}
	for d := len(c) - 1; d > 0; d-- {
		lead, tail := c[d], c[0]
		if !(abs(tail) < abs(lead)) {
			return false
		}
		for i := range d {
			next[i] = lead*c[i+1] - tail*c[d-1-i]
		}
		// Rescale so the coefficients neither underflow nor overflow.
		norm := abs(next[d-1])
		for i := range d {
			c[i] = next[i] / norm
		}
	}
	return true
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
