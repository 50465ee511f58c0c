package theta_test

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/models/theta"
)

func Example() {
	// Quarterly sales with a seasonal pattern on a rising level.
	pattern := []float64{0.9, 1.1, 1.3, 0.7}
	var y []float64
	for t := range 24 {
		y = append(y, (200+5*float64(t))*pattern[t%4])
	}
	fit, err := theta.New(4).Fit(y)
	if err != nil {
		fmt.Println(err)
		return
	}
	fc, _ := fit.Forecast(4, []float64{80})
	f := fit.(*theta.Fitted)
	fmt.Printf("seasonal %v, drift %.2f\n", f.Seasonal(), f.Drift())
	for i, m := range fc.Mean {
		fmt.Printf("quarter %d: %.1f [%.1f, %.1f]\n", i+1, m, fc.Intervals[0].Lower[i], fc.Intervals[0].Upper[i])
	}
	// Theta extrapolates half the trend's slope, so it trails a clean line
	// (the next true values are 288, 357.5, 429 and 234.5).
	// Output:
	// seasonal true, drift 2.49
	// quarter 1: 284.6 [278.1, 291.2]
	// quarter 2: 350.6 [341.4, 359.9]
	// quarter 3: 419.3 [407.9, 430.6]
	// quarter 4: 227.5 [214.4, 240.6]
}
