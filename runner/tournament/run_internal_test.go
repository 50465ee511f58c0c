package tournament

import (
	"slices"
	"testing"

	"github.com/forecastrun/forecastrun/runner/series"
)

func TestPendingHandsOutLongestFirst(t *testing.T) {
	items := []series.Series{
		{ID: "short", Values: make([]float64, 10)},
		{ID: "long", Values: make([]float64, 900)},
		{ID: "done", Values: make([]float64, 2000)},
		{ID: "mid-a", Values: make([]float64, 300)},
		{ID: "mid-b", Values: make([]float64, 300)},
		{ID: "empty"},
	}
	tests := []struct {
		name string
		skip map[string]bool
		want []int
	}{
		{"everything", nil, []int{2, 1, 3, 4, 0, 5}},
		{"one already done", map[string]bool{"done": true}, []int{1, 3, 4, 0, 5}},
		{"all done", map[string]bool{"short": true, "long": true, "done": true, "mid-a": true, "mid-b": true, "empty": true}, []int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pending(items, tt.skip); !slices.Equal(got, tt.want) {
				t.Errorf("pending = %v, want %v (longest first, equal lengths in input order)", got, tt.want)
			}
		})
	}
}
