package neldermead

import (
	"math"
	"testing"
)

// rosenbrock is Rosenbrock's valley scaled onto the box: its minimum 0 is
// at u = (0.5, 0.5), at the end of a long curved valley.
func rosenbrock(u []float64) float64 {
	x, y := 4*u[0]-1, 4*u[1]-1
	return 100*(y-x*x)*(y-x*x) + (1-x)*(1-x)
}

func quadratic(centre ...float64) func([]float64) float64 {
	return func(u []float64) float64 {
		var s float64
		for k, c := range centre {
			s += float64(k+1) * (u[k] - c) * (u[k] - c)
		}
		return s
	}
}

// penalised rejects the half u0+u1 > 1, as a model rejects inadmissible
// parameters; the constrained minimum of its quadratic is (0.5, 0.5).
func penalised(u []float64) float64 {
	if u[0]+u[1] > 1 {
		return math.Inf(1)
	}
	return (u[0]-0.8)*(u[0]-0.8) + (u[1]-0.8)*(u[1]-0.8)
}

var tight = Settings{MaxEvals: 5000, RelTol: 1e-14, PointTol: 1e-10}

func TestMinimize(t *testing.T) {
	cases := []struct {
		name     string
		f        func([]float64) float64
		start    []float64
		settings Settings
		want     []float64
		tol      float64
	}{
		{"rosenbrock", rosenbrock, []float64{0.1, 0.9}, tight, []float64{0.5, 0.5}, 1e-4},
		{"quadratic", quadratic(0.2, 0.7, 0.4), []float64{0.9, 0.1, 0.5}, tight, []float64{0.2, 0.7, 0.4}, 1e-5},
		{"quadratic by value spread", quadratic(0.2, 0.7, 0.4), []float64{0.9, 0.1, 0.5},
			Settings{MaxEvals: 5000, ValueTol: 1e-12}, []float64{0.2, 0.7, 0.4}, 1e-4},
		{"minimum outside the box", quadratic(-0.5, 0.3), []float64{0.5, 0.5}, tight, []float64{0, 0.3}, 1e-5},
		{"start on the upper edge", quadratic(0.9, 0.9), []float64{1, 1}, tight, []float64{0.9, 0.9}, 1e-5},
		{"penalised", penalised, []float64{0.1, 0.1}, tight, []float64{0.5, 0.5}, 1e-3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := append([]float64(nil), c.start...)
			v, evals := New(len(x), c.settings).Minimize(c.f, x, 0.1)
			for k := range x {
				if math.Abs(x[k]-c.want[k]) > c.tol {
					t.Fatalf("minimum at %v (value %g, %d evaluations), want %v", x, v, evals, c.want)
				}
			}
			if v != c.f(x) {
				t.Errorf("returned value %g, f at the returned point %g", v, c.f(x))
			}
			if evals >= c.settings.MaxEvals {
				t.Errorf("hit the cap of %d evaluations", c.settings.MaxEvals)
			}
		})
	}
}

// TestStoppingRules checks that the evaluation cap is honoured (overrun by
// at most one shrink, dim+1 evaluations) and that a loose tolerance stops
// earlier than a tight one.
func TestStoppingRules(t *testing.T) {
	cases := []struct {
		name     string
		settings Settings
		minEvals int
		maxEvals int
	}{
		{"cap", Settings{MaxEvals: 20}, 20, 22},
		{"cap below the initial simplex", Settings{MaxEvals: 1}, 3, 3},
		{"loose relative tolerance", Settings{MaxEvals: 5000, RelTol: 0.5}, 3, 60},
		{"loose value tolerance", Settings{MaxEvals: 5000, ValueTol: 10}, 3, 60},
		{"loose point tolerance", Settings{MaxEvals: 5000, PointTol: 0.05}, 3, 60},
		{"tight", tight, 100, 4999},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := []float64{0.1, 0.9}
			_, evals := New(2, c.settings).Minimize(rosenbrock, x, 0.1)
			if evals < c.minEvals || evals > c.maxEvals {
				t.Errorf("%d evaluations, want %d to %d", evals, c.minEvals, c.maxEvals)
			}
		})
	}
}

// TestReuse checks that a Minimizer reused with other settings gives what
// a fresh one gives, and that a minimisation allocates nothing.
func TestReuse(t *testing.T) {
	nm := New(3, Settings{MaxEvals: 30, ValueTol: 1})
	f := quadratic(0.3, 0.6, 0.2)
	nm.Minimize(f, []float64{0.5, 0.5, 0.5}, 0.2)
	nm.Settings = tight
	x := []float64{0.9, 0.1, 0.5}
	v, evals := nm.Minimize(f, x, 0.1)
	y := []float64{0.9, 0.1, 0.5}
	w, evals2 := New(3, tight).Minimize(f, y, 0.1)
	if v != w || evals != evals2 || x[0] != y[0] || x[1] != y[1] || x[2] != y[2] {
		t.Errorf("reused: %v %g in %d, fresh: %v %g in %d", x, v, evals, y, w, evals2)
	}
	allocs := testing.AllocsPerRun(10, func() {
		x := [3]float64{0.9, 0.1, 0.5}
		nm.Minimize(f, x[:], 0.1)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per minimisation, want 0", allocs)
	}
}

func BenchmarkMinimize(b *testing.B) {
	cases := []struct {
		name  string
		f     func([]float64) float64
		start []float64
	}{
		{"rosenbrock", rosenbrock, []float64{0.1, 0.9}},
		{"quadratic4", quadratic(0.2, 0.7, 0.4, 0.5), []float64{0.9, 0.1, 0.5, 0.5}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			nm := New(len(c.start), tight)
			x := make([]float64, len(c.start))
			var evals int
			for b.Loop() {
				copy(x, c.start)
				_, evals = nm.Minimize(c.f, x, 0.1)
			}
			b.ReportMetric(float64(evals), "evals/op")
		})
	}
}
