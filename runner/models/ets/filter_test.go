package ets

import (
	"math"
	"math/rand/v2"
	"testing"
)

func positiveSeries(n, m int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 3))
	y := make([]float64, n)
	for t := range y {
		y[t] = (50 + 0.1*float64(t)) * (1 + 0.2*math.Sin(2*math.Pi*float64(t)/float64(m))) * (1 + 0.05*rng.NormFloat64())
	}
	return y
}

func allForms(m int) []form {
	var out []form
	for _, e := range []Component{Additive, Multiplicative} {
		for _, tr := range []Component{None, Additive, Damped} {
			for _, s := range []Component{None, Additive, Multiplicative} {
				out = append(out, newForm(Spec{Error: e, Trend: tr, Season: s}, m))
			}
		}
	}
	return out
}

// TestFastFilterMatchesKernel checks the specialised likelihood loops
// against the general kernel, which also stores fitted values.
func TestFastFilterMatchesKernel(t *testing.T) {
	y := positiveSeries(200, 7, 1)
	p := Params{Alpha: 0.3, Beta: 0.05, Gamma: 0.1, Phi: 0.95}
	for _, f := range allForms(7) {
		t.Run(f.String(), func(t *testing.T) {
			x0 := f.heuristicState(y)
			a, b := x0.clone(), x0.clone()
			fast := f.filter(p, &a, y, nil)
			slow := f.filter(p, &b, y, make([]float64, len(y)))
			if !fast.ok || !slow.ok {
				t.Fatalf("pass rejected: fast %v slow %v", fast.ok, slow.ok)
			}
			if d := math.Abs(f.lik(fast, len(y)) - f.lik(slow, len(y))); d > 1e-8 {
				t.Errorf("lik fast %.12g slow %.12g", f.lik(fast, len(y)), f.lik(slow, len(y)))
			}
			if math.Abs(a.level-b.level) > 1e-9*math.Abs(b.level) {
				t.Errorf("final level fast %v slow %v", a.level, b.level)
			}
		})
	}
}
