package series

import (
	"fmt"
	"math"
	"strings"
)

// Missing says what a period without a row means. Sales exports usually
// leave out the periods in which nothing sold, so the default is Zero.
// Missing applies to absent rows only: a row with an empty, NA or NaN cell
// always says the value is unknown, and stays NaN.
type Missing string

// The meanings of an absent period.
const (
	// MissingZero: no row means no demand. The default.
	MissingZero Missing = "zero"
	// MissingInterpolate: an absent period lies on the straight line between
	// the observed values around it (after the last one, it repeats it), and
	// is then treated as observed. For levels and stocks, not for sales.
	MissingInterpolate Missing = "interpolate"
	// MissingUnknown: an absent period is a missing observation (NaN), like
	// an empty cell: the models see it imputed and no score counts it.
	MissingUnknown Missing = "unknown"
)

// DefaultMissing is the meaning of an absent period when none is given.
const DefaultMissing = MissingZero

// ParseMissing reads a Missing by name, ignoring case; empty is the default.
func ParseMissing(s string) (Missing, error) {
	switch m := Missing(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return DefaultMissing, nil
	case MissingZero, MissingInterpolate, MissingUnknown:
		return m, nil
	}
	return "", fmt.Errorf("unknown meaning of absent periods %q: want zero, interpolate or unknown", s)
}

// absentValue is what an absent period holds before fillAbsent: zero for
// MissingZero and NaN otherwise.
func (m Missing) absentValue() float64 {
	if m == MissingZero || m == "" {
		return 0
	}
	return math.NaN()
}

// fillAbsent interpolates the absent periods of v (absent[i] is true) for
// MissingInterpolate: each lies on the line between the nearest observed
// (non-NaN) values before and after it, repeats the one before when there
// is none after, and stays NaN when there is none before (an item starts at
// its first row, so that happens only after a leading empty cell).
func fillAbsent(v []float64, absent []bool) {
	prev := -1 // latest index holding a number
	for i := 0; i < len(v); i++ {
		if !absent[i] {
			if !math.IsNaN(v[i]) {
				prev = i
			}
			continue
		}
		end := i
		for end < len(v) && (absent[end] || math.IsNaN(v[end])) {
			end++
		}
		for j := i; j < end; j++ {
			if !absent[j] || prev < 0 {
				continue
			}
			if end == len(v) {
				v[j] = v[prev]
				continue
			}
			v[j] = v[prev] + (v[end]-v[prev])*float64(j-prev)/float64(end-prev)
		}
		i = end - 1
	}
}
