package models

import (
	"fmt"

	"gonum.org/v1/gonum/stat/distuv"
)

// NormalQuantile returns the two-sided standard normal quantile for a central
// interval at level percent (1.2816 for 80, 1.9600 for 95).
func NormalQuantile(level float64) float64 {
	return distuv.UnitNormal.Quantile(0.5 + level/200)
}

// NormalIntervals builds central intervals mean ± z(level)·sd[i] for every
// level. sd holds the forecast standard deviation per step.
func NormalIntervals(mean, sd []float64, levels []float64) ([]Interval, error) {
	if len(sd) != len(mean) {
		return nil, fmt.Errorf("normal intervals: %d means but %d standard deviations", len(mean), len(sd))
	}
	out := make([]Interval, 0, len(levels))
	for _, level := range levels {
		if !(level > 0 && level < 100) {
			return nil, fmt.Errorf("interval level %v must be between 0 and 100 exclusive", level)
		}
		z := NormalQuantile(level)
		iv := Interval{Level: level, Lower: make([]float64, len(mean)), Upper: make([]float64, len(mean))}
		for i, m := range mean {
			iv.Lower[i] = m - z*sd[i]
			iv.Upper[i] = m + z*sd[i]
		}
		out = append(out, iv)
	}
	return out, nil
}
