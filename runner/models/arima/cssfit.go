package arima

import "math"

// Stopping rules of the CSS minimisation.
const (
	cssMaxIter = 100
	cssRelTol  = 1e-8 // optim's reltol in R's CSS fit
)

// minimizeCSS minimises the conditional sum of squares from coef
// (overwritten with the minimiser) by Levenberg–Marquardt on the
// residuals with their exact derivatives. R minimises the same objective
// with BFGS on numerical gradients; exploiting the least-squares form
// needs far fewer passes over the data. It returns the sum of squares.
func (c *cssProblem) minimizeCSS(coef []float64) float64 {
	return levenbergMarquardt(c, coef, cssMaxIter, cssRelTol)
}

// eval implements lmProblem.
func (c *cssProblem) eval(x []float64) float64 {
	s := c.ssq(x)
	if math.IsNaN(s) {
		return math.Inf(1)
	}
	return s
}

// accept implements lmProblem: the residuals are those of the last eval.
func (c *cssProblem) accept([]float64) {}

// normal implements lmProblem with the exact derivatives. (Reusing a
// stale JᵀJ with an exact adjoint gradient between them was tried: the
// search then needed many more iterations and reached different points
// on the ill-posed candidates within the iteration limit.)
func (c *cssProblem) normal(x, jtj, grad []float64, _ bool) (ok, exact bool) {
	c.jacobian(x, jtj, grad)
	return true, true
}
