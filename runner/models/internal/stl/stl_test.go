package stl

import (
	"math"
	"testing"
)

// tricube multiplies out what math.Pow(1-q³, 3) computes, to the bit, on
// the distances loess gives it.
func TestTricubeIsThePowerItReplaces(t *testing.T) {
	for i := range 100001 {
		q := float64(i) / 100001
		if got, want := tricube(q), math.Pow(1-q*q*q, 3); got != want {
			t.Fatalf("tricube(%v) = %v, math.Pow gives %v", q, got, want)
		}
	}
}

// hourly is 6 weeks of hourly data with a daily and a weekly pattern.
func hourly() []float64 {
	y := make([]float64, 24*7*6)
	for t := range y {
		y[t] = 100 + 10*math.Sin(2*math.Pi*float64(t)/24) + 5*math.Sin(2*math.Pi*float64(t)/168) + math.Sin(float64(t)*1.7)
	}
	return y
}

func BenchmarkDecompose(b *testing.B) {
	y := hourly()
	for _, np := range []int{24, 168} {
		b.Run(map[int]string{24: "day", 168: "week"}[np], func(b *testing.B) {
			for b.Loop() {
				Decompose(y, np, 11)
			}
		})
	}
}
