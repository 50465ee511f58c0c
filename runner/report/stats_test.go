package report

import (
	"math"
	"slices"
	"testing"
)

func nan() float64 { return math.NaN() }

func TestQuantile(t *testing.T) {
	tests := []struct {
		xs   []float64
		q    float64
		want float64
	}{
		{[]float64{1, 2, 3, 4}, 0.5, 2.5},
		{[]float64{1, 2, 3, 4}, 0, 1},
		{[]float64{1, 2, 3, 4}, 1, 4},
		{[]float64{1, 2, 3, 4, 5}, 0.25, 2},
		{[]float64{7}, 0.9, 7},
	}
	for _, tc := range tests {
		if got := quantile(tc.xs, tc.q); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("quantile(%v, %v) = %v, want %v", tc.xs, tc.q, got, tc.want)
		}
	}
	if !math.IsNaN(quantile(nil, 0.5)) {
		t.Error("quantile of nothing should be NaN")
	}
}

func TestFiniteSorted(t *testing.T) {
	got := finiteSorted([]float64{3, nan(), math.Inf(1), 1, 2})
	if !slices.Equal(got, []float64{1, 2, 3}) {
		t.Errorf("finiteSorted = %v", got)
	}
}

func TestTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		within []float64
		nice   []float64
	}{
		{-3, 97, []float64{0, 20, 40, 60, 80}, []float64{-20, 0, 20, 40, 60, 80, 100}},
		{0, 1, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{-0.4, 2.2, []float64{0, 0.5, 1, 1.5, 2}, []float64{-0.5, 0, 0.5, 1, 1.5, 2, 2.5}},
	}
	for _, tc := range tests {
		if got := ticksWithin(tc.lo, tc.hi, 5); !slices.Equal(got, tc.within) {
			t.Errorf("ticksWithin(%v, %v) = %v, want %v", tc.lo, tc.hi, got, tc.within)
		}
		if got := niceTicks(tc.lo, tc.hi, 5); !slices.Equal(got, tc.nice) {
			t.Errorf("niceTicks(%v, %v) = %v, want %v", tc.lo, tc.hi, got, tc.nice)
		}
	}
}
