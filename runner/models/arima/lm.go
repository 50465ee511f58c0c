package arima

import "math"

// lmProblem is a nonlinear least-squares problem for levenbergMarquardt.
type lmProblem interface {
	// eval returns Σ r(x)² (+Inf where r is undefined); the problem keeps
	// the residuals of the last call.
	eval(x []float64) float64
	// accept tells the problem that the last evaluated point, step away
	// from the current one, is the new current one.
	accept(step []float64)
	// normal sets jtj = JᵀJ and grad = Jᵀr at the current point x. With
	// exact false the problem may use an updated approximation of J; it
	// reports whether the Jacobian it used is exact.
	normal(x, jtj, grad []float64, exact bool) (ok, wasExact bool)
}

// lmAbandoner is an lmProblem that may give up a hopeless minimisation:
// levenbergMarquardt asks it after every iteration, with the current
// point and the relative decrease of the sum of squares in that
// iteration (zero when no step was taken), and stops when it says so.
type lmAbandoner interface {
	abandon(x []float64, gain float64) bool
}

// lmRefresh is the most iterations in a row that may use an updated
// rather than an exact Jacobian.
const lmRefresh = 4

// levenbergMarquardt minimises Σ r(x)² from x (overwritten with the
// minimiser), with Nielsen's damping update. It stops when a step lowers
// the sum of squares by less than relTol of it, or no step lowers it, on
// an exact Jacobian, or after maxIter Jacobians. It returns the sum of
// squares at x.
func levenbergMarquardt(p lmProblem, x []float64, maxIter int, relTol float64) float64 {
	k := len(x)
	ssq := p.eval(x)
	if k == 0 || math.IsInf(ssq, 1) {
		return ssq
	}
	run := newLMRun(p, k, ssq, relTol)
	p.accept(run.step) // a zero step: x is the current point
	needExact, sinceExact := true, 0
	quit, _ := p.(lmAbandoner)
	for range maxIter {
		ok, exact := p.normal(x, run.jtj, run.grad, needExact || sinceExact >= lmRefresh)
		if !ok {
			break
		}
		needExact, sinceExact = false, sinceExact+1
		if exact {
			sinceExact = 0
		}
		before := run.ssq
		outcome := run.move(x)
		if quit != nil && quit.abandon(x, (before-run.ssq)/before) {
			break
		}
		if outcome != moved {
			if exact {
				break
			}
			needExact = true // decided on an updated Jacobian: confirm
			if outcome == stalled {
				run.lambda, run.nu = max(run.lambda/1e6, 1e-3), 2
			}
		}
	}
	return run.ssq
}

type lmOutcome int

const (
	moved     lmOutcome = iota // a step lowered the sum of squares
	converged                  // … by less than relTol of it
	stalled                    // no step lowers it
)

// lmRun is the state of one Levenberg–Marquardt minimisation.
type lmRun struct {
	p                           lmProblem
	k                           int
	jtj, sys, grad, step, trial []float64
	ssq, relTol, lambda, nu     float64
}

func newLMRun(p lmProblem, k int, ssq, relTol float64) *lmRun {
	buf := make([]float64, 2*k*k+3*k)
	return &lmRun{
		p: p, k: k, ssq: ssq, relTol: relTol, lambda: 1e-3, nu: 2,
		jtj: buf[:k*k], sys: buf[k*k : 2*k*k],
		grad: buf[2*k*k : 2*k*k+k], step: buf[2*k*k+k : 2*k*k+2*k], trial: buf[2*k*k+2*k:],
	}
}

// move solves the damped normal equations, raising the damping until a
// step lowers the sum of squares, and takes that step.
func (run *lmRun) move(x []float64) lmOutcome {
	k := run.k
	for run.lambda <= 1e12 {
		copy(run.sys, run.jtj)
		for i := range k {
			run.sys[i*k+i] += run.lambda * max(run.jtj[i*k+i], 1e-12)
			run.step[i] = -run.grad[i]
		}
		if !solve(run.sys, run.step, k) {
			run.lambda, run.nu = run.lambda*run.nu, run.nu*2
			continue
		}
		var pred, size, norm float64
		for i := range k {
			run.trial[i] = x[i] + run.step[i]
			pred += -run.step[i]*run.grad[i] + run.lambda*max(run.jtj[i*k+i], 1e-12)*run.step[i]*run.step[i]
			size += run.step[i] * run.step[i]
			norm += x[i] * x[i]
		}
		if math.Sqrt(size) <= 1e-9*(math.Sqrt(norm)+1e-9) {
			return stalled
		}
		next := run.p.eval(run.trial)
		if !(next < run.ssq) {
			run.lambda, run.nu = run.lambda*run.nu, run.nu*2
			continue
		}
		run.p.accept(run.step)
		copy(x, run.trial)
		rho := (run.ssq - next) / pred // actual over predicted reduction
		done := run.ssq-next <= run.relTol*run.ssq
		run.ssq = next
		if done {
			return converged
		}
		run.lambda *= max(1.0/3, 1-math.Pow(2*rho-1, 3))
		run.nu = 2
		return moved
	}
	return stalled
}

// solve overwrites b with the solution of A x = b for the n×n row-major
// A (destroyed), by Gaussian elimination with partial pivoting. It
// reports false when A is numerically singular.
func solve(a, b []float64, n int) bool {
	for col := range n {
		piv := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r*n+col]) > math.Abs(a[piv*n+col]) {
				piv = r
			}
		}
		if !(math.Abs(a[piv*n+col]) > 1e-300) {
			return false
		}
		if piv != col {
			for j := range n {
				a[col*n+j], a[piv*n+j] = a[piv*n+j], a[col*n+j]
			}
			b[col], b[piv] = b[piv], b[col]
		}
		inv := 1 / a[col*n+col]
		for r := col + 1; r < n; r++ {
			f := a[r*n+col] * inv
			if f == 0 {
				continue
			}
			for j := col; j < n; j++ {
				a[r*n+j] -= f * a[col*n+j]
			}
			b[r] -= f * b[col]
		}
	}
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for j := r + 1; j < n; j++ {
			s -= a[r*n+j] * b[j]
		}
		b[r] = s / a[r*n+r]
	}
	return true
}
