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

// TestLoessReusesOnlyEqualWeights: loess, which reuses the weights of
// the previous point where they are the same, gives at every point what
// loessAt gives with weights computed afresh, to the bit, at both ends
// and inside, for both degrees and for a span beyond the series.
func TestLoessReusesOnlyEqualWeights(t *testing.T) {
	y := hourly()[:300]
	for _, tt := range []struct{ span, degree int }{{11, 0}, {25, 1}, {281, 1}, {401, 1}, {15, 0}} {
		got := make([]float64, len(y))
		loess(got, y, tt.span, tt.degree, 1, &weights{})
		n := len(y)
		half := (tt.span + 1) / 2
		for i := 1; i <= n; i++ {
			left, right := max(1, min(i-half+1, n-tt.span+1)), min(n, max(tt.span, i+half-1))
			if tt.span >= n {
				left, right = 1, n
			}
			want, ok := loessAt(y, tt.span, tt.degree, float64(i), left, right, &weights{})
			if !ok {
				want = y[i-1]
			}
			if got[i-1] != want {
				t.Fatalf("span %d degree %d: point %d is %v, with fresh weights %v", tt.span, tt.degree, i, got[i-1], want)
			}
		}
	}
}
