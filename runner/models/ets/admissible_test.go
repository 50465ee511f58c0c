package ets

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// spectralRadius is the largest |eigenvalue| of the discount matrix
// D = F − g·w' of ETS(·,Ad,A) with state (l, b, s₁..s_m), s₁ newest,
// computed with gonum as an independent check of the polynomial test.
func spectralRadius(t *testing.T, p Params, m int) float64 {
	d := m + 2
	F := mat.NewDense(d, d, nil)
	F.Set(0, 0, 1)
	F.Set(0, 1, p.Phi)
	F.Set(1, 1, p.Phi)
	F.Set(2, d-1, 1)
	for i := 3; i < d; i++ {
		F.Set(i, i-1, 1)
	}
	g := []float64{p.Alpha, p.Beta, p.Gamma}
	w := make([]float64, d)
	w[0], w[1], w[d-1] = 1, p.Phi, 1
	for i, gi := range g {
		for j := range d {
			F.Set(i, j, F.At(i, j)-gi*w[j])
		}
	}
	var eig mat.Eigen
	if !eig.Factorize(F, mat.EigenNone) {
		t.Fatal("eigen decomposition failed")
	}
	var r float64
	for _, v := range eig.Values(nil) {
		r = math.Max(r, cmplx.Abs(v))
	}
	return r
}

func TestAdmissibleMatchesEigenvalues(t *testing.T) {
	cases := []struct {
		name string
		p    Params
		m    int
	}{
		{"typical", Params{Alpha: 0.3, Beta: 0.05, Gamma: 0.1, Phi: 0.95}, 12},
		{"high alpha high gamma", Params{Alpha: 0.6, Beta: 0.5, Gamma: 0.39, Phi: 0.9}, 4},
		{"gamma at 1-alpha", Params{Alpha: 0.05, Beta: 0.05, Gamma: 0.95, Phi: 0.8}, 7},
		{"quarterly", Params{Alpha: 0.9, Beta: 0.85, Gamma: 0.09, Phi: 0.98}, 4},
		{"weekly", Params{Alpha: 0.2, Beta: 0.19, Gamma: 0.79, Phi: 0.85}, 7},
		{"hourly", Params{Alpha: 0.99, Beta: 0.9, Gamma: 0.005, Phi: 0.8}, 24},
		{"outside", Params{Alpha: 1.5, Beta: 1.2, Gamma: 0.5, Phi: 0.98}, 4},
		{"outside weekly", Params{Alpha: 1.9, Beta: 0.1, Gamma: 0.05, Phi: 0.9}, 7},
	}
	f := func(m int) form { return newForm(Spec{Error: Additive, Trend: Damped, Season: Additive}, m) }
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := spectralRadius(t, c.p, c.m) <= 1+1e-6
			if got := f(c.m).admissible(c.p); got != want {
				t.Errorf("admissible = %v, spectral radius %.6f", got, spectralRadius(t, c.p, c.m))
			}
		})
	}
}

func TestUsualRegion(t *testing.T) {
	f := newForm(Spec{Error: Additive, Trend: Damped, Season: Additive}, 4)
	cases := []struct {
		name string
		p    Params
		want bool
	}{
		{"inside", Params{Alpha: 0.3, Beta: 0.1, Gamma: 0.2, Phi: 0.9}, true},
		{"beta above alpha", Params{Alpha: 0.3, Beta: 0.4, Gamma: 0.2, Phi: 0.9}, false},
		{"gamma above 1-alpha", Params{Alpha: 0.6, Beta: 0.1, Gamma: 0.5, Phi: 0.9}, false},
		{"phi too low", Params{Alpha: 0.3, Beta: 0.1, Gamma: 0.2, Phi: 0.7}, false},
		{"phi too high", Params{Alpha: 0.3, Beta: 0.1, Gamma: 0.2, Phi: 0.99}, false},
		{"alpha at 1", Params{Alpha: 1, Beta: 0.1, Gamma: 0, Phi: 0.9}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := f.usual(c.p); got != c.want {
				t.Errorf("usual(%+v) = %v, want %v", c.p, got, c.want)
			}
		})
	}
}

// TestSearchStaysInUsualRegion: the simplex searches u in the unit box,
// and every u maps into R's usual region, so no bound check is needed.
func TestSearchStaysInUsualRegion(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	y := positiveSeries(60, 4, 1)
	for _, f := range allForms(4) {
		ft := newFitter(f, y, &jacobian{}, false)
		u := make([]float64, f.nSmoothing())
		for range 200 {
			for i := range u {
				u[i] = rng.Float64()
				if rng.IntN(5) == 0 {
					u[i] = float64(rng.IntN(2)) // the box's faces
				}
			}
			if p := ft.params(u); !f.usual(p) {
				t.Fatalf("%s: u %v maps to %+v outside the usual region", f, u, p)
			}
		}
	}
}
