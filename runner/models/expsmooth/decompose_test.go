package expsmooth_test

import (
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models/expsmooth"
)

// TestSeasonalFigure checks that the classical decomposition recovers an
// exact seasonal pattern riding on a linear trend, which a centred moving
// average removes exactly, for odd and even periods.
func TestSeasonalFigure(t *testing.T) {
	tests := []struct {
		name           string
		pattern        []float64
		multiplicative bool
	}{
		{"additive odd", []float64{3, -1, 4, -1, -5, 9, -9}, false},
		{"additive even", []float64{2, -3, 5, -1, 0, -4, 6, -5, 1, 3, -2, -2}, false},
		{"multiplicative odd", []float64{1.2, 0.9, 1.1, 0.8, 1.0}, true},
		{"multiplicative even", []float64{1.3, 0.7, 1.1, 0.9}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := len(tt.pattern)
			y := make([]float64, 5*m+3)
			for i := range y {
				trend := 100 + 0.5*float64(i)
				if tt.multiplicative {
					y[i] = trend * tt.pattern[i%m]
				} else {
					y[i] = trend + tt.pattern[i%m]
				}
			}
			got := expsmooth.SeasonalFigure(y, m, tt.multiplicative)
			for k, want := range tt.pattern {
				// The multiplicative ratio to a linear trend's moving
				// average is exact only up to the curvature of the
				// product, hence the looser tolerance.
				tol := 1e-9
				if tt.multiplicative {
					tol = 2e-3
				}
				if math.Abs(got[k]-want) > tol {
					t.Fatalf("figure[%d] = %v, want %v", k, got[k], want)
				}
			}
		})
	}
}
