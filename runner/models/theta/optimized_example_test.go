package theta_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/forecastrun/forecastrun/runner/models/theta"
)

func ExampleNewOptimized() {
	// Daily demand with a weekly pattern on a level that wanders upwards.
	rng := rand.New(rand.NewPCG(3, 2))
	pattern := []float64{0.8, 0.9, 1.0, 1.0, 1.1, 1.3, 0.9}
	level := 100.0
	var y []float64
	for t := range 84 {
		level += 0.2 + 2*rng.NormFloat64()
		y = append(y, level*pattern[t%7])
	}
	fit, err := theta.NewOptimized(7).Fit(y)
	if err != nil {
		fmt.Println(err)
		return
	}
	f := fit.(*theta.OptimizedFitted)
	fc, _ := fit.Forecast(3, []float64{95})
	fmt.Printf("seasonal %v, theta %.2f, alpha %.2f\n", f.Seasonal(), f.Theta(), f.Alpha())
	for i, m := range fc.Mean {
		fmt.Printf("day %d: %.1f [%.1f, %.1f]\n", i+1, m, fc.Intervals[0].Lower[i], fc.Intervals[0].Upper[i])
	}
	// Theta is estimated near the standard method's 2 here; on a series
	// with a steady trend it grows, up to 1000, to extrapolate the whole
	// slope.
	// Output:
	// seasonal true, theta 2.42, alpha 0.89
	// day 1: 72.6 [69.4, 75.7]
	// day 2: 82.4 [77.5, 87.2]
	// day 3: 91.2 [84.8, 97.6]
}
