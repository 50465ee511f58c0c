package neldermead

import "math"

// Settings are the stopping rules of a search. The search stops after
// MaxEvals evaluations (it may overrun by the evaluations of its last
// step), or as soon as one of the tolerances holds: the values at the
// vertices spread less than RelTol·|best| or less than ValueTol, or every
// vertex lies within PointTol of the best in every coordinate. A zero
// RelTol or ValueTol is off. Criteria with a natural scale (a sum of squares) suit
// RelTol; a log-likelihood, which has none, suits ValueTol.
type Settings struct {
	MaxEvals int
	RelTol   float64
	ValueTol float64
	PointTol float64
}

// Minimizer is a Nelder–Mead search in a fixed dimension. Its buffers are
// allocated once, so Minimize allocates nothing and a Minimizer can be
// reused (with new Settings) for successive searches; it is not safe for
// concurrent use.
type Minimizer struct {
	Settings

	dim      int
	simplex  [][]float64 // dim+1 vertices
	values   []float64
	centroid []float64
	trial    []float64
	trial2   []float64
}

// New returns a Minimizer for functions of dim variables.
func New(dim int, s Settings) *Minimizer {
	nm := &Minimizer{Settings: s, dim: dim, values: make([]float64, dim+1)}
	buf := make([]float64, (dim+4)*dim)
	for i := range dim + 1 {
		nm.simplex = append(nm.simplex, buf[i*dim:(i+1)*dim])
	}
	nm.centroid = buf[(dim+1)*dim : (dim+2)*dim]
	nm.trial = buf[(dim+2)*dim : (dim+3)*dim]
	nm.trial2 = buf[(dim+3)*dim:]
	return nm
}

// Minimize starts from x in [0,1]^dim (overwritten with the best point
// found) with initial steps of size step along each axis, pointing inwards
// at the box edges. Trial points are projected onto the box, so f is only
// evaluated inside it; f may return +Inf to reject a point. Minimize
// returns the best value and the number of evaluations.
func (nm *Minimizer) Minimize(f func([]float64) float64, x []float64, step float64) (float64, int) {
	for i, v := range nm.simplex {
		copy(v, x)
		if i > 0 {
			k := i - 1
			if v[k]+step <= 1 {
				v[k] += step
			} else {
				v[k] -= step
			}
		}
		nm.values[i] = f(v)
	}
	evals := len(nm.simplex)
	for evals < nm.MaxEvals {
		best, worst, second := nm.order()
		if nm.converged(best, worst) {
			break
		}
		evals += nm.step(f, best, worst, second)
	}
	best, _, _ := nm.order()
	copy(x, nm.simplex[best])
	return nm.values[best], evals
}

// step replaces the worst vertex by reflection, expansion or contraction,
// or shrinks the simplex towards the best vertex; it returns the number of
// function evaluations spent.
func (nm *Minimizer) step(f func([]float64) float64, best, worst, second int) int {
	nm.computeCentroid(worst)
	fr := nm.along(f, nm.trial, worst, -1) // reflection
	switch {
	case fr < nm.values[best]:
		fe := nm.along(f, nm.trial2, worst, -2) // expansion
		if fe < fr {
			nm.accept(worst, nm.trial2, fe)
		} else {
			nm.accept(worst, nm.trial, fr)
		}
		return 2
	case fr < nm.values[second]:
		nm.accept(worst, nm.trial, fr)
		return 1
	}
	coef := 0.5 // inside contraction
	if fr < nm.values[worst] {
		coef = -0.5 // outside contraction
	}
	fc := nm.along(f, nm.trial2, worst, coef)
	if fc < math.Min(fr, nm.values[worst]) {
		nm.accept(worst, nm.trial2, fc)
		return 2
	}
	nm.shrink(f, best)
	return 1 + nm.dim
}

// along sets dst = centroid + coef·(vertex worst − centroid), projected on
// the box, and evaluates it.
func (nm *Minimizer) along(f func([]float64) float64, dst []float64, worst int, coef float64) float64 {
	w := nm.simplex[worst]
	for k, c := range nm.centroid {
		dst[k] = min(1, max(0, c+coef*(w[k]-c)))
	}
	return f(dst)
}

func (nm *Minimizer) accept(i int, x []float64, v float64) {
	copy(nm.simplex[i], x)
	nm.values[i] = v
}

func (nm *Minimizer) shrink(f func([]float64) float64, best int) {
	b := nm.simplex[best]
	for i, v := range nm.simplex {
		if i == best {
			continue
		}
		for k := range v {
			v[k] = b[k] + 0.5*(v[k]-b[k])
		}
		nm.values[i] = f(v)
	}
}

func (nm *Minimizer) computeCentroid(worst int) {
	clear(nm.centroid)
	for i, v := range nm.simplex {
		if i == worst {
			continue
		}
		for k := range v {
			nm.centroid[k] += v[k] / float64(nm.dim)
		}
	}
}

// order returns the indices of the best, worst and second-worst vertices.
func (nm *Minimizer) order() (best, worst, second int) {
	for i, v := range nm.values {
		if v < nm.values[best] {
			best = i
		}
		if v > nm.values[worst] || (v == nm.values[worst] && i != best) {
			worst = i
		}
	}
	second = best
	for i, v := range nm.values {
		if i != worst && v >= nm.values[second] {
			second = i
		}
	}
	return best, worst, second
}

// converged applies the tolerances of Settings. A value test whose
// tolerance is zero is skipped rather than read as "spread ≤ 0", so a
// caller that sets only one of them gets exactly that rule.
func (nm *Minimizer) converged(best, worst int) bool {
	fb, fw := nm.values[best], nm.values[worst]
	spread := fw - fb
	if nm.RelTol > 0 && spread <= nm.RelTol*(math.Abs(fb)+1e-300) {
		return true
	}
	if nm.ValueTol > 0 && spread <= nm.ValueTol {
		return true
	}
	b := nm.simplex[best]
	for _, v := range nm.simplex {
		for k := range v {
			if math.Abs(v[k]-b[k]) > nm.PointTol {
				return false
			}
		}
	}
	return true
}
