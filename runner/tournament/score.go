package tournament

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Score is a mean backtest score. It is NaN when nothing could be scored
// (every actual in the windows was missing) and +Inf when a scaled metric
// met a zero scale with a wrong forecast (see metrics.Score). Plain float64
// cannot hold those in JSON, so Score marshals NaN as null and infinities
// as the strings "+Inf" and "-Inf"; an ItemResult can then be checkpointed
// as JSON and read back unchanged.
type Score float64

// Finite reports whether s is an ordinary number.
func (s Score) Finite() bool {
	return !math.IsNaN(float64(s)) && !math.IsInf(float64(s), 0)
}

// MarshalJSON implements json.Marshaler.
func (s Score) MarshalJSON() ([]byte, error) {
	f := float64(s)
	switch {
	case math.IsNaN(f):
		return []byte("null"), nil
	case math.IsInf(f, 0):
		return json.Marshal(strconv.FormatFloat(f, 'g', -1, 64))
	}
	return json.Marshal(f)
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *Score) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null":
		*s = Score(math.NaN())
		return nil
	case `"+Inf"`:
		*s = Score(math.Inf(1))
		return nil
	case `"-Inf"`:
		*s = Score(math.Inf(-1))
		return nil
	}
	// The decoder hands over one valid JSON value, and ParseFloat reads a
	// JSON number exactly as encoding/json does, without its reflection:
	// a merge decodes several scores of each of a million items twice.
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("score %s is not a number", b)
	}
	*s = Score(f)
	return nil
}
