package ets

import (
	"math"
	"testing"
)

// errorSumOfSquares is Σr² at free initial states z, r being the form's
// errors (relative for multiplicative error).
func errorSumOfSquares(f form, p Params, z, y []float64) float64 {
	st := newState(f.m)
	f.fromFree(z, &st)
	return f.filter(p, &st, y, nil).sse
}

// TestGaussNewtonGradient checks the propagated Jacobian against finite
// differences: the gradient of Σr² with respect to the free initial states
// is 2·J'r.
func TestGaussNewtonGradient(t *testing.T) {
	y := positiveSeries(60, 4, 2)
	p := Params{Alpha: 0.3, Beta: 0.05, Gamma: 0.2, Phi: 0.9}
	for _, f := range allForms(4) {
		t.Run(f.String(), func(t *testing.T) {
			x0 := f.heuristicState(y)
			g := newGaussNewton(f, &jacobian{})
			if _, ok := g.step(p, &x0, y); !ok {
				t.Fatal("singular normal equations")
			}
			z := make([]float64, f.nStates())
			f.toFree(&x0, z)
			for i := range z {
				h := 1e-6 * math.Max(1, math.Abs(z[i]))
				zi := z[i]
				z[i] = zi + h
				up := errorSumOfSquares(f, p, z, y)
				z[i] = zi - h
				down := errorSumOfSquares(f, p, z, y)
				z[i] = zi
				numeric := (up - down) / (2 * h)
				if analytic := 2 * g.jtr[i]; math.Abs(numeric-analytic) > 1e-4*math.Max(1, math.Abs(numeric)) {
					t.Errorf("state %d: gradient %.8g, finite differences %.8g", i, analytic, numeric)
				}
			}
		})
	}
}

// TestGaussNewtonSolvesLinearForms: for additive error without
// multiplicative season the errors are affine in the initial states, so
// one step reaches the least-squares states and a second step is nil.
func TestGaussNewtonSolvesLinearForms(t *testing.T) {
	y := positiveSeries(80, 4, 3)
	p := Params{Alpha: 0.2, Beta: 0.05, Gamma: 0.1, Phi: 0.95}
	for _, spec := range []Spec{{Error: Additive}, {Error: Additive, Trend: Damped, Season: Additive}} {
		f := newForm(spec, 4)
		x0 := f.heuristicState(y)
		g := newGaussNewton(f, &jacobian{})
		delta, _ := g.step(p, &x0, y)
		z := make([]float64, f.nStates())
		f.toFree(&x0, z)
		for i := range z {
			z[i] += delta[i]
		}
		f.fromFree(z, &x0)
		second, _ := g.step(p, &x0, y)
		for i, d := range second {
			if math.Abs(d) > 1e-6*math.Max(1, math.Abs(z[i])) {
				t.Errorf("%s: second step moves state %d by %g", f, i, d)
			}
		}
	}
}
