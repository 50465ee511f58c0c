package arima

import (
	"math"

	"gonum.org/v1/gonum/floats"
)

// Stopping rules of the likelihood maximisation: the sum of squares is
// exp(2·R's objective + const), so a relative decrease of 1e-8 is a
// change of 5e-9 in R's objective, within optim's reltol 1e-8. R's optim
// stops after 100 BFGS iterations; 30 Gauss–Newton-type iterations reach
// the optimum of well-posed models in a handful and bound the work on
// the ill-posed ones (common AR and MA factors, unit roots).
const (
	mlMaxIter = 30
	mlRelTol  = 1e-8
	mlStep    = 1e-6 // relative forward-difference step of the Jacobian
)

// leastSquares is an lmProblem with a forward-difference Jacobian,
// which costs one evaluation of the residuals per parameter. Between
// exact ones it is updated by Broyden's rank-one formula from the last
// step, J ← J + (Δr − J·s)·sᵀ/sᵀs, which costs nothing but arithmetic.
type leastSquares struct {
	resid    func(x, out []float64) bool
	n        int
	r, try   []float64 // residuals at the current point and the last evaluated one
	jac      []float64 // column j at jac[j*n:]
	haveJac  bool
	step     []float64 // the last accepted step
	dr       []float64 // its change of the residuals
	haveStep bool
	// hopeless, if set, is asked after every iteration whether to give
	// up at x, where the sum of squares fell by the fraction gain; once
	// it says so, abandoned is set.
	hopeless  func(x []float64, gain float64) bool
	abandoned bool
}

func newLeastSquares(resid func(x, out []float64) bool, n, k int) *leastSquares {
	return &leastSquares{resid: resid, n: n, r: make([]float64, n), try: make([]float64, n),
		jac: make([]float64, n*k), step: make([]float64, k), dr: make([]float64, n)}
}

// eval implements lmProblem.
func (ls *leastSquares) eval(x []float64) float64 {
	if !ls.resid(x, ls.try) {
		return math.Inf(1)
	}
	s := floats.Dot(ls.try, ls.try)
	if math.IsNaN(s) {
		return math.Inf(1)
	}
	return s
}

// abandon implements lmAbandoner.
func (ls *leastSquares) abandon(x []float64, gain float64) bool {
	if ls.hopeless != nil && ls.hopeless(x, gain) {
		ls.abandoned = true
	}
	return ls.abandoned
}

// accept implements lmProblem.
func (ls *leastSquares) accept(step []float64) {
	for i := range ls.dr {
		ls.dr[i] = ls.try[i] - ls.r[i]
	}
	copy(ls.step, step)
	ls.haveStep = true
	ls.r, ls.try = ls.try, ls.r
}

// normal implements lmProblem.
func (ls *leastSquares) normal(x, jtj, grad []float64, exact bool) (ok, wasExact bool) {
	if exact || !ls.haveJac || !ls.haveStep {
		if !ls.differences(x) {
			return false, true
		}
		ls.haveJac, wasExact = true, true
	} else {
		ls.broyden()
	}
	ls.haveStep = false
	n, k := ls.n, len(x)
	for i := range k {
		ci := ls.jac[i*n : (i+1)*n]
		grad[i] = floats.Dot(ci, ls.r)
		for j := 0; j <= i; j++ {
			v := floats.Dot(ci, ls.jac[j*n:(j+1)*n])
			jtj[i*k+j] = v
			jtj[j*k+i] = v
		}
	}
	return true, wasExact
}

// broyden applies the rank-one update for the last accepted step.
func (ls *leastSquares) broyden() {
	n := ls.n
	ss := dot(ls.step, ls.step)
	if !(ss > 0) {
		return
	}
	// u = (Δr − J·s)/sᵀs, then column j += u·s_j
	u := ls.try // scratch: the residuals of the last evaluation are no longer needed
	copy(u, ls.dr)
	for j, sj := range ls.step {
		floats.AddScaled(u, -sj, ls.jac[j*n:(j+1)*n])
	}
	for j, sj := range ls.step {
		floats.AddScaled(ls.jac[j*n:(j+1)*n], sj/ss, u)
	}
}

// differences sets the Jacobian by forward differences (backwards where a
// forward step leaves the feasible region).
func (ls *leastSquares) differences(x []float64) bool {
	n, k := ls.n, len(x)
	for j := range k {
		h := mlStep * max(1, math.Abs(x[j]))
		keep := x[j]
		x[j] = keep + h
		ok := ls.resid(x, ls.try)
		if !ok {
			h = -h
			x[j] = keep + h
			ok = ls.resid(x, ls.try)
		}
		x[j] = keep
		if !ok {
			return false
		}
		col := ls.jac[j*n : (j+1)*n]
		for i := range n {
			col[i] = (ls.try[i] - ls.r[i]) / h
		}
	}
	return true
}
