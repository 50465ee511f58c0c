package expsmooth

import (
	"math"
	"testing"
)

// TestNormalEquationsMatchFiniteDifferences checks the forward-mode
// Jacobian of the one-step forecasts with respect to the free initial
// states against central differences of the filter itself.
func TestNormalEquationsMatchFiniteDifferences(t *testing.T) {
	y := make([]float64, 40)
	for i := range y {
		y[i] = 50 + 0.7*float64(i) + 8*math.Sin(float64(i)*math.Pi/2) + 3*math.Cos(float64(i)*1.3)
	}
	tests := []struct {
		name string
		s    spec
		p    Params
	}{
		{"additive", HoltWinters(4, Additive).(model).spec, Params{Alpha: 0.3, Beta: 0.05, Gamma: 0.2, Phi: 1}},
		{"multiplicative", HoltWinters(4, Multiplicative).(model).spec, Params{Alpha: 0.4, Beta: 0.1, Gamma: 0.3, Phi: 1}},
		{"additive damped", spec{name: "damped", trend: true, damped: true, season: Additive, period: 4}, Params{Alpha: 0.3, Beta: 0.05, Gamma: 0.2, Phi: 0.9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x0 := tt.s.heuristicState(y)
			_, jtj, jtr := tt.s.normalEquations(tt.p, x0, y)
			jac := finiteDifferenceJacobian(tt.s, tt.p, x0, y)
			base := make([]float64, len(y))
			work := x0.clone()
			tt.s.filter(tt.p, &work, y, base)
			k := tt.s.nStates()
			for a := range k {
				var g float64
				for i := range y {
					g += jac[a][i] * (y[i] - base[i])
				}
				closeTo(t, "J'e", jtr[a], g)
				for b := a; b < k; b++ {
					var h float64
					for i := range y {
						h += jac[a][i] * jac[b][i]
					}
					closeTo(t, "J'J", jtj[a*k+b], h)
				}
			}
		})
	}
}

func finiteDifferenceJacobian(s spec, p Params, x0 state, y []float64) [][]float64 {
	k := s.nStates()
	z := make([]float64, k)
	var jac [][]float64
	for i := range k {
		s.toFree(x0, z)
		h := 1e-5 * (math.Abs(z[i]) + 1)
		forecasts := func(delta float64) []float64 {
			zz := append([]float64(nil), z...)
			zz[i] += delta
			st := x0.clone()
			s.fromFree(zz, &st)
			out := make([]float64, len(y))
			s.filter(p, &st, y, out)
			return out
		}
		up, down := forecasts(h), forecasts(-h)
		col := make([]float64, len(y))
		for t := range col {
			col[t] = (up[t] - down[t]) / (2 * h)
		}
		jac = append(jac, col)
	}
	return jac
}

func closeTo(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-5*math.Max(1, math.Abs(want)) {
		t.Fatalf("%s: analytic %.10g, finite differences %.10g", what, got, want)
	}
}
