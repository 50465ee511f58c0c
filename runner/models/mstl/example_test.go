package mstl_test

import (
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/models/mstl"
)

func ExampleNew() {
	// Six weeks of hourly demand with a daily and a weekly cycle.
	y := make([]float64, 24*7*6)
	for t := range y {
		y[t] = 100 + 10*math.Sin(2*math.Pi*float64(t)/24)
		if (t/24)%7 >= 5 {
			y[t] -= 15
		}
	}
	fit, err := mstl.New(24, 168).Fit(y)
	if err != nil {
		fmt.Println(err)
		return
	}
	fc, _ := fit.Forecast(24*7, nil)
	fmt.Printf("Monday 6am %.0f, Saturday 6am %.0f\n", fc.Mean[6], fc.Mean[5*24+6])
	// Output:
	// Monday 6am 110, Saturday 6am 95
}
