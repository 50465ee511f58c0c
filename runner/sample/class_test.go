package sample_test

import (
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/runner/sample"
)

var nan = math.NaN()

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		v    []float64
		want sample.DemandClass
	}{
		{"steady every period", []float64{10, 11, 9, 10, 12, 10}, sample.Smooth},
		{"every period, wild sizes", []float64{1, 40, 2, 1, 60, 3}, sample.Erratic},
		{"sporadic, steady sizes", []float64{0, 0, 5, 0, 0, 6, 0, 0, 5, 0}, sample.Intermittent},
		{"sporadic, wild sizes", []float64{0, 0, 1, 0, 0, 50, 0, 0, 2, 0}, sample.Lumpy},
		{"no demand at all", []float64{0, 0, 0}, sample.Intermittent},
		{"nothing observed", []float64{nan, nan}, sample.Intermittent},
		{"empty", nil, sample.Intermittent},
		// 4 observed periods, 3 with demand: ADI 1.33 >= 1.32 once NaN is skipped.
		{"NaN is not a zero", []float64{5, nan, 5, 0, nan, 5}, sample.Intermittent},
		{"NaN does not break smooth", []float64{5, nan, 5, 5, nan, 5}, sample.Smooth},
		// A single demand has no size variation.
		{"one demand", []float64{0, 0, 0, 9}, sample.Intermittent},
		// Negative values (returns) are not demand.
		{"returns ignored", []float64{4, -2, 4, -1, 4, -3}, sample.Intermittent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sample.Classify(tt.v); got != tt.want {
				adi, cv2 := sample.Demand(tt.v)
				t.Errorf("Classify(%v) = %s (ADI %.3f, CV² %.3f), want %s", tt.v, got, adi, cv2, tt.want)
			}
		})
	}
}

func TestDemand(t *testing.T) {
	tests := []struct {
		name     string
		v        []float64
		adi, cv2 float64
	}{
		// sizes 2 and 6: mean 4, variance 4, CV² 0.25; 4 periods, 2 demands.
		{"two sizes", []float64{2, 0, 6, 0}, 2, 0.25},
		{"constant", []float64{3, 3, 3}, 1, 0},
		{"none", []float64{0, nan}, math.Inf(1), 0},
	}
	for _, tt := range tests {
		adi, cv2 := sample.Demand(tt.v)
		if adi != tt.adi || math.Abs(cv2-tt.cv2) > 1e-12 {
			t.Errorf("%s: Demand(%v) = %v, %v; want %v, %v", tt.name, tt.v, adi, cv2, tt.adi, tt.cv2)
		}
	}
}

func TestClassifyAtCutoffs(t *testing.T) {
	// Demand in 25 of 33 periods gives ADI = 33/25 = 1.32, the cut-off
	// itself, which the scheme puts on the sporadic side.
	v := make([]float64, 33)
	for i := range 25 {
		v[i] = 7
	}
	if adi, _ := sample.Demand(v); adi != sample.ADICutoff {
		t.Fatalf("test series has ADI %v, want the cut-off", adi)
	}
	if got := sample.Classify(v); got != sample.Intermittent {
		t.Errorf("ADI at the cut-off: Classify = %s, want intermittent", got)
	}
}

func BenchmarkClassify(b *testing.B) {
	for _, n := range []int{100, 730, 8760} {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i % 5)
		}
		b.Run(itoa(n), func(b *testing.B) {
			for b.Loop() {
				sample.Classify(v)
			}
		})
	}
}
