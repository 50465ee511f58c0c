package theta

import "math"

// optParams are the estimated parameters: the initial level ℓ_0, alpha,
// and u = 1−1/θ.
type optParams struct {
	level0, alpha, u float64
}

func (p optParams) theta() float64 { return 1 / (1 - p.u) }

// Bounds of the search. Alpha stays inside (0, 1) as in SES. Theta runs
// from 1 (plain SES) to 1000, where the forecast already extrapolates
// 99.9% of the fitted slope.
const (
	alphaMin, alphaMax = 0.01, 0.99
	uMax               = 0.999
	alphaGridStep      = 0.05
	alphaTolerance     = 1e-6
)

// normalSums are the cross-products of one pass over x for a fixed alpha.
// For fixed alpha the one-step forecast from origin t is linear in the
// other two parameters, L_t + (1−α)^t·ℓ_0 + u·d_t, with L_t the level
// started from zero and d_t the trend term. The MSE is then a quadratic in
// (ℓ_0, u) whose minimum has a closed form, which leaves a one-dimensional
// search over alpha.
type normalSums struct {
	ww, wd, dd, wr, dr, rr float64
}

func (r *recursion) sums(alpha float64) normalSums {
	var s normalSums
	level, decay := 0.0, 1.0
	for t, v := range r.x {
		d := r.trendTerm(t, alpha, decay)
		res := v - level
		s.ww += decay * decay
		s.wd += decay * d
		s.dd += d * d
		s.wr += decay * res
		s.dr += d * res
		s.rr += res * res
		level = alpha*v + (1-alpha)*level
		decay *= 1 - alpha
	}
	return s
}

// solve minimises the SSE over ℓ_0 and u ∈ [0, uMax]. The SSE is a convex
// quadratic, so when the free minimum lies outside the bounds the
// constrained one lies on the nearer bound. When the trend term is
// (almost) proportional to (1−α)^t, as on a series without slope, u
// cannot be told apart from ℓ_0 and we take u = 0: plain SES, the simpler
// model.
func (s normalSums) solve() (level0, u, sse float64) {
	if det := s.ww*s.dd - s.wd*s.wd; det > 1e-10*s.ww*s.dd {
		u = min(max((s.ww*s.dr-s.wd*s.wr)/det, 0), uMax)
	}
	return s.levelFor(u), u, s.sse(s.levelFor(u), u)
}

// levelFor is the least-squares ℓ_0 for a given u.
func (s normalSums) levelFor(u float64) float64 { return (s.wr - u*s.wd) / s.ww }

func (s normalSums) sse(level0, u float64) float64 {
	v := s.rr - 2*level0*s.wr - 2*u*s.dr + level0*level0*s.ww + 2*level0*u*s.wd + u*u*s.dd
	return max(v, 0)
}

// profiledSSE is the smallest SSE for alpha over ℓ_0 and u.
func (r *recursion) profiledSSE(alpha float64) float64 {
	_, _, sse := r.sums(alpha).solve()
	return sse
}

// optimise finds the parameters of least in-sample MSE: a coarse grid over
// alpha guards against local minima, then a golden-section search refines
// the best grid point between its neighbours.
func (r *recursion) optimise() optParams {
	best, bestSSE := alphaMin, math.Inf(1)
	for k := 0; ; k++ {
		a := min(alphaMin+float64(k)*alphaGridStep, alphaMax)
		if sse := r.profiledSSE(a); sse < bestSSE {
			best, bestSSE = a, sse
		}
		if a == alphaMax {
			break
		}
	}
	alpha := goldenSection(r.profiledSSE, max(best-alphaGridStep, alphaMin), min(best+alphaGridStep, alphaMax), alphaTolerance)
	if r.profiledSSE(alpha) > bestSSE {
		alpha = best // the grid point was better than the refinement
	}
	level0, u, _ := r.sums(alpha).solve()
	return optParams{level0: level0, alpha: alpha, u: u}
}

// goldenSection returns a minimiser of f on [lo, hi] to within tol,
// assuming f is unimodal there.
func goldenSection(f func(float64) float64, lo, hi, tol float64) float64 {
	const invPhi = 0.6180339887498949
	c, d := hi-invPhi*(hi-lo), lo+invPhi*(hi-lo)
	fc, fd := f(c), f(d)
	for hi-lo > tol {
		if fc <= fd {
			hi, d, fd = d, c, fc
			c = hi - invPhi*(hi-lo)
			fc = f(c)
		} else {
			lo, c, fc = c, d, fd
			d = lo + invPhi*(hi-lo)
			fd = f(d)
		}
	}
	return (lo + hi) / 2
}
