package series_test

import (
	"testing"

	"github.com/forecastrun/forecastrun/runner/series"
)

func TestImpute(t *testing.T) {
	tests := []struct {
		name   string
		in     []float64
		want   []float64
		offset int
	}{
		{"no gaps", []float64{1, 2, 3}, []float64{1, 2, 3}, 0},
		{"leading gaps dropped", []float64{nan, nan, 4, 5}, []float64{4, 5}, 2},
		{"interior gap interpolated", []float64{1, nan, nan, 4, nan, 0}, []float64{1, 2, 3, 4, 2, 0}, 0},
		{"trailing gap carries forward", []float64{nan, 2, 6, nan, nan}, []float64{2, 6, 6, 6}, 1},
		{"single value", []float64{nan, 7, nan}, []float64{7, 7}, 1},
		{"all missing", []float64{nan, nan}, nil, 2},
		{"empty", nil, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]float64(nil), tt.in...)
			got, offset := series.Impute(in)
			if !sameValues(got, tt.want) || offset != tt.offset || (got == nil) != (tt.want == nil) {
				t.Errorf("Impute(%v) = %v, %d; want %v, %d", tt.in, got, offset, tt.want, tt.offset)
			}
			if !sameValues(in, tt.in) {
				t.Errorf("Impute changed its input to %v", in)
			}
		})
	}
}

func BenchmarkImpute(b *testing.B) {
	v := make([]float64, 730)
	for i := range v {
		v[i] = float64(i % 13)
		if i%17 == 0 {
			v[i] = nan
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		series.Impute(v)
	}
}
