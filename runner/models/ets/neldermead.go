package ets

import "math"

// nelderMead minimises a function on the unit box [0,1]^dim with the
// Nelder–Mead simplex method, projecting trial points onto the box. Its
// buffers are allocated once, so a minimisation allocates nothing. (Adapted
// from runner/models/expsmooth: the stopping rule here is an absolute
// spread of the values, since a log-likelihood has no natural scale.)
type nelderMead struct {
	dim      int
	simplex  [][]float64 // dim+1 vertices
	values   []float64
	centroid []float64
	trial    []float64
	trial2   []float64
	maxEval  int
	valueTol float64 // stop when the values spread less than valueTol
	absTol   float64 // or when every vertex is within absTol of the best
}

func newNelderMead(dim int) *nelderMead {
	nm := &nelderMead{dim: dim, values: make([]float64, dim+1)}
	buf := make([]float64, (dim+4)*dim)
	for i := range dim + 1 {
		nm.simplex = append(nm.simplex, buf[i*dim:(i+1)*dim])
	}
	nm.centroid = buf[(dim+1)*dim : (dim+2)*dim]
	nm.trial = buf[(dim+2)*dim : (dim+3)*dim]
	nm.trial2 = buf[(dim+3)*dim:]
	return nm
}

// minimize starts from x (overwritten with the best point found) with
// initial steps of size step along each axis, pointing inwards at the box
// edges. It returns the best value and the number of evaluations.
func (nm *nelderMead) minimize(f func([]float64) float64, x []float64, step float64) (float64, int) {
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
	for evals < nm.maxEval {
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
func (nm *nelderMead) step(f func([]float64) float64, best, worst, second int) int {
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
func (nm *nelderMead) along(f func([]float64) float64, dst []float64, worst int, coef float64) float64 {
	w := nm.simplex[worst]
	for k, c := range nm.centroid {
		dst[k] = min(1, max(0, c+coef*(w[k]-c)))
	}
	return f(dst)
}

func (nm *nelderMead) accept(i int, x []float64, v float64) {
	copy(nm.simplex[i], x)
	nm.values[i] = v
}

func (nm *nelderMead) shrink(f func([]float64) float64, best int) {
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

func (nm *nelderMead) computeCentroid(worst int) {
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
func (nm *nelderMead) order() (best, worst, second int) {
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

func (nm *nelderMead) converged(best, worst int) bool {
	fb, fw := nm.values[best], nm.values[worst]
	if fw-fb <= nm.valueTol {
		return true
	}
	b := nm.simplex[best]
	for _, v := range nm.simplex {
		for k := range v {
			if math.Abs(v[k]-b[k]) > nm.absTol {
				return false
			}
		}
	}
	return true
}
