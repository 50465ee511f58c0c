package report

import (
	"math"
	"slices"
)

// quantile returns the q-quantile of sorted by linear interpolation
// between order statistics (type 7 of Hyndman and Fan, R's default).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	return sorted[lo] + (pos-float64(lo))*(sorted[hi]-sorted[lo])
}

// finiteSorted returns the finite values of xs in ascending order.
func finiteSorted(xs []float64) []float64 {
	out := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

// niceTicks returns round tick values from at or below lo to at or above
// hi, about n of them.
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) {
		hi = lo + 1
	}
	step := niceStep((hi - lo) / float64(max(n-1, 1)))
	first, last := math.Floor(lo/step), math.Ceil(hi/step)
	return stepsBetween(first, last, step)
}

// ticksWithin returns round tick values inside [lo, hi], about n of them.
func ticksWithin(lo, hi float64, n int) []float64 {
	step := niceStep((hi - lo) / float64(max(n, 1)))
	return stepsBetween(math.Ceil(lo/step), math.Floor(hi/step), step)
}

// stepsBetween returns i*step for whole i from first to last. A step below
// 1 is applied as a division by its whole reciprocal, so that 3 steps of
// 0.2 give 0.6 rather than 0.6000000000000001.
func stepsBetween(first, last, step float64) []float64 {
	var ticks []float64
	for i := first; i <= last; i++ {
		v := i * step
		if step < 1 {
			v = i / math.Round(1/step)
		}
		ticks = append(ticks, v+0) // +0 turns -0 into 0
	}
	return ticks
}

// niceStep returns the number of the form 1, 2 or 5 times a power of ten
// nearest to raw on a log scale.
func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	best := p
	for _, m := range []float64{2, 5, 10} {
		if math.Abs(math.Log(raw/(m*p))) < math.Abs(math.Log(raw/best)) {
			best = m * p
		}
	}
	return best
}
