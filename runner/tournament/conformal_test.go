package tournament

import (
	"math"
	"testing"
)

func TestConformalIntervalsShape(t *testing.T) {
	mean := []float64{10, 10, 10, 10, 10, 10}
	// 3 windows × 4 steps; step 3 has a small error in every window, which
	// must not narrow the interval below step 2's.
	errs := []float64{
		1, 2, 0.1, 4,
		2, 3, 0.1, 5,
		1, 6, 0.1, 3,
	}
	ivs := conformalIntervals(mean, errs, 4, []float64{80, 95}, new([]float64))
	if len(ivs) != 2 {
		t.Fatalf("got %d intervals, want 2", len(ivs))
	}
	for j := range mean {
		for k, iv := range ivs {
			width := iv.Upper[j] - mean[j]
			if math.Abs((mean[j]-iv.Lower[j])-width) > 1e-12 || width < 0 {
				t.Errorf("level %v step %d: [%v, %v] not symmetric around %v", iv.Level, j+1, iv.Lower[j], iv.Upper[j], mean[j])
			}
			if j > 0 && width < iv.Upper[j-1]-mean[j-1]-1e-12 {
				t.Errorf("level %v: step %d narrower than step %d", iv.Level, j+1, j)
			}
			if k > 0 && width < ivs[k-1].Upper[j]-mean[j] {
				t.Errorf("step %d: 95%% narrower than 80%%", j+1)
			}
		}
	}
	// Steps 5 and 6 lie beyond the backtest and must keep growing.
	if ivs[1].Upper[5] <= ivs[1].Upper[3] {
		t.Errorf("extrapolated width %v not above last backtested %v", ivs[1].Upper[5], ivs[1].Upper[3])
	}
}

func TestConformalIntervalsNothingObserved(t *testing.T) {
	nan := math.NaN()
	if ivs := conformalIntervals([]float64{1, 1}, []float64{nan, nan}, 2, []float64{80}, new([]float64)); ivs != nil {
		t.Errorf("got %v, want nil when no error was observed", ivs)
	}
}

func TestConformalQuantile(t *testing.T) {
	sorted := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	tests := []struct {
		q    float64
		want float64
	}{
		{0.5, 6},   // ceil(11·0.5) = 6
		{0.8, 9},   // ceil(8.8) = 9
		{0.95, 10}, // ceil(10.45) = 11, capped at n
		{0.01, 1},
	}
	for _, tt := range tests {
		if got := conformalQuantile(sorted, tt.q); got != tt.want {
			t.Errorf("conformalQuantile(q=%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestNonDecreasing(t *testing.T) {
	tests := []struct {
		in, want []float64
	}{
		{[]float64{1, 2, 3}, []float64{1, 2, 3}},
		{[]float64{3, 1, 2}, []float64{2, 2, 2}},
		{[]float64{1, 4, 2, 5}, []float64{1, 3, 3, 5}},
		{[]float64{}, []float64{}},
	}
	for _, tt := range tests {
		got := append([]float64(nil), tt.in...)
		nonDecreasing(got)
		for i := range got {
			if math.Abs(got[i]-tt.want[i]) > 1e-12 {
				t.Errorf("nonDecreasing(%v) = %v, want %v", tt.in, got, tt.want)
				break
			}
		}
	}
}
