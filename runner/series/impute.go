package series

import "math"

// Impute returns a gap-free copy of v for the models, which need one value
// per period: leading missing values are dropped (offset says how many, so
// the caller can shift Start), interior gaps are filled by straight lines
// between their neighbours, and trailing missing values repeat the last
// observation, the only honest guess without a later neighbour. It returns
// nil and len(v) when every value is missing.
func Impute(v []float64) (filled []float64, offset int) {
	for offset < len(v) && math.IsNaN(v[offset]) {
		offset++
	}
	if offset == len(v) {
		return nil, offset
	}
	filled = make([]float64, len(v)-offset)
	copy(filled, v[offset:])
	last := 0 // index of the latest observed value; filled[0] is observed
	for i := 1; i < len(filled); i++ {
		if math.IsNaN(filled[i]) {
			continue
		}
		interpolate(filled, last, i)
		last = i
	}
	for i := last + 1; i < len(filled); i++ {
		filled[i] = filled[last]
	}
	return filled, offset
}

// interpolate fills v[from+1:to] on the line between v[from] and v[to].
func interpolate(v []float64, from, to int) {
	slope := (v[to] - v[from]) / float64(to-from)
	for i := from + 1; i < to; i++ {
		v[i] = v[from] + slope*float64(i-from)
	}
}
