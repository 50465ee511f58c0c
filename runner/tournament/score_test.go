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

// TestScoreDecodesAsAFloat checks that a Score reads every JSON number
// as a float64 does and refuses what is not a number.
func TestScoreDecodesAsAFloat(t *testing.T) {
	for _, in := range []string{"0", "-0", "1e-7", "2.5E+3", "0.1", "123456789012345678901234567890", "4.9e-324", "1.7976931348623157e308"} {
		var f float64
		var s Score
		if err := json.Unmarshal([]byte(in), &f); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(in), &s); err != nil || math.Float64bits(float64(s)) != math.Float64bits(f) {
			t.Errorf("%s: got %v, %v; want %v", in, s, err, f)
		}
	}
	for _, in := range []string{`"1.5"`, "true", "1e400", `{}`, `"Inf"`} {
		var s Score
		if err := json.Unmarshal([]byte(in), &s); err == nil {
			t.Errorf("%s decoded as %v; want an error", in, s)
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
