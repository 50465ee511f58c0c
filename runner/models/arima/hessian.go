package arima

import "math"

// optimStep is optim's default ndeps, the step of R's numerical
// derivatives.
const optimStep = 1e-3

// standardErrorsExist reports whether R would find finite standard errors
// for the ML estimate coef, the test of forecast's checkarima, which
// auto.arima applies besides the unit-root test. R inverts optim's
// numerical Hessian of the objective in the transformed parameters and
// maps it back, var = Aᵀ H⁻¹ A with A the Jacobian of the transform; a
// negative variance there (H not positive definite, typically when AR
// and MA factors nearly cancel) rejects the model. This repeats that
// computation with the same steps.
func (mp *mlProblem) standardErrorsExist(coef []float64) bool {
	x, ok := mp.fromCoef(coef)
	if !ok {
		return false
	}
	k := len(x)
	if k == 0 {
		return true
	}
	h := mp.numericalHessian(x)
	a := mp.transformJacobian(x)
	// V = Aᵀ H⁻¹ A: solve H·Z = A column by column, then V_jj = A_·jᵀ Z_·j.
	for j := range k {
		col := make([]float64, k)
		for i := range k {
			col[i] = a[i*k+j]
		}
		sys := append([]float64(nil), h...)
		z := append([]float64(nil), col...)
		if !solve(sys, z, k) {
			return false
		}
		v := dot(col, z)
		if !(v >= 0) {
			return false
		}
	}
	return true
}

// numericalHessian is optim's: central differences (step h = optimStep)
// of the central-difference gradient, symmetrised, times the number of
// observations, as R scales it. Written out, entry (i, j) is
// [f(x+he_i+he_j) − f(x+he_i−he_j) − f(x−he_i+he_j) + f(x−he_i−he_j)]/4h²,
// the same for (j, i), so each pair is evaluated once.
func (mp *mlProblem) numericalHessian(x []float64) []float64 {
	k := len(x)
	h := make([]float64, k*k)
	xx := append([]float64(nil), x...)
	at := func(i int, si float64, j int, sj float64) float64 {
		xx[i] += si * optimStep
		xx[j] += sj * optimStep
		v := mp.objective(xx)
		xx[i], xx[j] = x[i], x[j]
		return v
	}
	n := float64(len(mp.w))
	scale := n / (4 * optimStep * optimStep)
	f0 := mp.objective(x)
	for i := range k {
		h[i*k+i] = (at(i, 2, i, 0) - 2*f0 + at(i, -2, i, 0)) * scale
		for j := range i {
			v := (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) * scale
			h[i*k+j], h[j*k+i] = v, v
		}
	}
	return h
}

// transformJacobian returns A[i][j] = ∂coef_j/∂x_i by forward differences
// of step optimStep, as R's ARIMA_Gradtrans. The constant's scaling is
// part of our transform but R's parscale, so its row is the scale.
func (mp *mlProblem) transformJacobian(x []float64) []float64 {
	k := len(x)
	a := make([]float64, k*k)
	base := append([]float64(nil), mp.toCoef(x)...)
	xx := append([]float64(nil), x...)
	for i := range k {
		xx[i] = x[i] + optimStep
		c := mp.toCoef(xx)
		for j := range k {
			a[i*k+j] = (c[j] - base[j]) / optimStep
		}
		xx[i] = x[i]
	}
	if mp.s.hasConstant() {
		a[k*k-1] = math.Max(mp.cScale, 1e-300)
	}
	return a
}
