package tournament

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"
)

func TestScoreJSONRoundTrip(t *testing.T) {
	tests := []struct {
		in   Score
		want string
	}{
		{1.5, "1.5"},
		{Score(math.NaN()), "null"},
		{Score(math.Inf(1)), `"+Inf"`},
		{Score(math.Inf(-1)), `"-Inf"`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.in)
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.in, b, err, tt.want)
		}
		var back Score
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(back) != fmt.Sprint(tt.in) {
			t.Errorf("round trip of %v gave %v", tt.in, back)
		}
	}
}

// TestItemResultCheckpoint shows that finished items survive a JSON
// checkpoint unchanged, as a resuming runner needs.
func TestItemResultCheckpoint(t *testing.T) {
	items := makeItems(3, 50, 12, intermittentSeries)
	items[0].Values = make([]float64, 50) // all zero: zero MASE scale
	items[0].Values[49] = math.NaN()
	res, err := Run(context.Background(), items, Config{Horizon: 5, Models: benchmarkModels()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res.Items {
		b, err := json.Marshal(it)
		if err != nil {
			t.Fatalf("%s: %v", it.ID, err)
		}
		var back ItemResult
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", it.ID, err)
		}
		if fmt.Sprintf("%v", back) != fmt.Sprintf("%v", it) {
			t.Errorf("%s: checkpoint changed the result:\n%v\n%v", it.ID, it, back)
		}
	}
}
