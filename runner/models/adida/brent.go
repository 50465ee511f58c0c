package adida

import "math"

// brentMinimise returns an approximate minimiser of f on [lo, hi] by Brent's
// method: parabolic interpolation through the three best points while it
// makes good progress, golden-section steps when it does not. tol is the
// relative tolerance on x. The end points are compared with the interior
// result at the end, because Brent never evaluates them and SSE curves
// often fall all the way to a bound.
func brentMinimise(f func(float64) float64, lo, hi, tol float64) float64 {
	x, fx := brentInterior(f, lo, hi, tol)
	for _, end := range [2]float64{lo, hi} {
		if fe := f(end); fe < fx {
			x, fx = end, fe
		}
	}
	return x
}

const (
	goldenFraction = 0.3819660112501051 // (3 - sqrt(5)) / 2
	brentMaxIter   = 100
	brentAbsTol    = 1e-10
)

// brentInterior is Brent's search proper; it returns the best point found
// and its value. x is the best point so far, w the second best, v the
// previous w; step is the last move and prevStep the one before it.
func brentInterior(f func(float64) float64, a, b, tol float64) (float64, float64) {
	x := a + goldenFraction*(b-a)
	w, v := x, x
	fx := f(x)
	fw, fv := fx, fx
	var step, prevStep float64
	for range brentMaxIter {
		mid := (a + b) / 2
		tol1 := tol*math.Abs(x) + brentAbsTol
		if math.Abs(x-mid) <= 2*tol1-(b-a)/2 {
			break
		}
		parabolic := false
		if math.Abs(prevStep) > tol1 {
			p, q := parabolaStep(x, w, v, fx, fw, fv)
			// Accept the parabola's minimum only if it lies inside the
			// bracket and moves less than half the step before last, which
			// guarantees convergence.
			if math.Abs(p) < math.Abs(q*prevStep/2) && p > q*(a-x) && p < q*(b-x) {
				prevStep, step = step, p/q
				parabolic = true
				if u := x + step; u-a < 2*tol1 || b-u < 2*tol1 {
					step = math.Copysign(tol1, mid-x)
				}
			}
		}
		if !parabolic {
			if x < mid {
				prevStep = b - x
			} else {
				prevStep = a - x
			}
			step = goldenFraction * prevStep
		}
		u := x + step
		if math.Abs(step) < tol1 {
			u = x + math.Copysign(tol1, step)
		}
		fu := f(u)
		if fu <= fx {
			if u < x {
				b = x
			} else {
				a = x
			}
			v, fv, w, fw, x, fx = w, fw, x, fx, u, fu
			continue
		}
		if u < x {
			a = u
		} else {
			b = u
		}
		if fu <= fw || w == x {
			v, fv, w, fw = w, fw, u, fu
		} else if fu <= fv || v == x || v == w {
			v, fv = u, fu
		}
	}
	return x, fx
}

// parabolaStep returns p/q, the move from x to the vertex of the parabola
// through (x, fx), (w, fw) and (v, fv), as a numerator and a non-negative
// denominator so the caller can test it without dividing by zero.
func parabolaStep(x, w, v, fx, fw, fv float64) (p, q float64) {
	r := (x - w) * (fx - fv)
	q = (x - v) * (fx - fw)
	p = (x-v)*q - (x-w)*r
	q = 2 * (q - r)
	if q > 0 {
		p = -p
	} else {
		q = -q
	}
	return p, q
}
