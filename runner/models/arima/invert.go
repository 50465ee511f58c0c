package arima

import (
	"math/cmplx"

	"gonum.org/v1/gonum/mat"
)

// invertMA makes the MA polynomial 1 + Σ ma_i z^i invertible, in place:
// roots inside the unit circle are replaced by their reciprocals, which
// leaves the autocorrelations (and so the exact likelihood, up to the
// innovation variance) unchanged. R's arima does the same before and
// after its likelihood optimisation.
func invertMA(ma []float64) {
	q := len(ma)
	for q > 0 && ma[q-1] == 0 {
		q--
	}
	if q == 0 {
		return
	}
	roots := polyRoots(ma[:q])
	inside := false
	for i, r := range roots {
		if cmplx.Abs(r) < 1 {
			roots[i] = 1 / r
			inside = true
		}
	}
	if !inside {
		return
	}
	if q == 1 {
		ma[0] = 1 / ma[0]
		return
	}
	// Rebuild Π(1 − z/r) from the roots; its coefficients are real.
	poly := []complex128{1}
	for _, r := range roots {
		next := make([]complex128, len(poly)+1)
		for i, c := range poly {
			next[i] += c
			next[i+1] -= c / r
		}
		poly = next
	}
	for i := range q {
		ma[i] = real(poly[i+1])
	}
}

// polyRoots returns the roots of 1 + Σ c_i z^i (c non-empty, last
// coefficient non-zero) as the eigenvalues of its companion matrix.
func polyRoots(c []float64) []complex128 {
	q := len(c)
	if q == 1 {
		return []complex128{complex(-1/c[0], 0)}
	}
	// monic form: z^q + (c_{q-1}/c_q) z^{q-1} + … + 1/c_q
	comp := mat.NewDense(q, q, nil)
	lead := c[q-1]
	for j := range q {
		coefJ := 1.0 // coefficient of z^j
		if j > 0 {
			coefJ = c[j-1]
		}
		comp.Set(0, q-1-j, -coefJ/lead)
	}
	for i := 1; i < q; i++ {
		comp.Set(i, i-1, 1)
	}
	var eig mat.Eigen
	if !eig.Factorize(comp, mat.EigenNone) {
		return nil
	}
	return eig.Values(nil)
}
