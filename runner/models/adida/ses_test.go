package adida

import (
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

func TestBrentMinimise(t *testing.T) {
	tests := []struct {
		name string
		f    func(float64) float64
		want float64
		tol  float64
	}{
		{"interior parabola", func(x float64) float64 { return (x - 0.17) * (x - 0.17) }, 0.17, 1e-4},
		// A quartic is so flat at its minimum that f cannot resolve x finer.
		{"interior quartic", func(x float64) float64 { return math.Pow(x-0.23, 4) + 1 }, 0.23, 1e-2},
		{"falls to the upper bound", func(x float64) float64 { return -x }, 0.3, 0},
		{"rises from the lower bound", func(x float64) float64 { return math.Exp(x) }, 0.1, 0},
		{"kinked", func(x float64) float64 { return math.Abs(x - 0.2) }, 0.2, 1e-4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := brentMinimise(tt.f, 0.1, 0.3, 1e-6)
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("minimiser %v, want %v", got, tt.want)
			}
		})
	}
}

// The chosen alpha is at least as good as every point of a fine grid, up to
// the search tolerance.
func TestOptimiseAlphaBeatsGrid(t *testing.T) {
	for seed := range uint64(20) {
		x := modeltest.Intermittent(40, 0.6, seed)
		a := optimiseAlpha(x)
		if a < MinAlpha || a > MaxAlpha {
			t.Fatalf("seed %d: alpha %v out of bounds", seed, a)
		}
		best, _ := sesSSE(x, a)
		for g := MinAlpha; g <= MaxAlpha+1e-12; g += 0.002 {
			if s, _ := sesSSE(x, g); s < best*(1-1e-6) {
				t.Errorf("seed %d: alpha %v has SSE %v, grid point %v has %v", seed, a, best, g, s)
			}
		}
	}
}

func TestSESByHand(t *testing.T) {
	// Start 2; error 4 moves it to 2 + 0.5·4 = 4; error -3 moves it to 2.5.
	sse, next := sesSSE([]float64{2, 6, 1}, 0.5)
	if sse != 16+9 || next != 2.5 {
		t.Errorf("sse %v next %v, want 25 and 2.5", sse, next)
	}
}
