package adida

import "math"

// demandIntervals returns the mean and the longest interval between
// demands (positive observations), the first counted from the start of the
// series as Croston does. With no demand both are 1, so the methods fall
// back to smoothing the series itself.
func demandIntervals(y []float64) (mean float64, longest int) {
	count, last := 0, -1
	longest = 1
	for t, v := range y {
		if v <= 0 {
			continue
		}
		longest = max(longest, t-last)
		count++
		last = t
	}
	if count == 0 {
		return 1, 1
	}
	// The intervals telescope: their sum is the position of the last demand.
	return float64(last+1) / float64(count), longest
}

// adidaLevel is ADIDA's bucket size: the mean interval between demands
// rounded to the nearest integer (halves up), so that a typical bucket
// holds one demand.
func adidaLevel(y []float64) int {
	mean, _ := demandIntervals(y)
	return max(1, int(math.Round(mean)))
}

// prefixSums returns p with p[t] = y[0] + ... + y[t-1], so that the sum of
// any bucket is one subtraction and aggregating at level k costs n/k rather
// than n. IMAPA aggregates at up to the longest demand interval, which for
// an item first sold late in its history is most of n. The subtraction
// loses nothing on integer demand below 2^53; on fractional demand the
// error is about 1e-16 of the running total.
func prefixSums(y []float64) []float64 {
	p := make([]float64, len(y)+1)
	for t, v := range y {
		p[t+1] = p[t] + v
	}
	return p
}

// bucketSums writes into buf the sums of consecutive non-overlapping
// buckets of k observations ending at the last observation, dropping the
// n mod k oldest, and returns that part of buf. prefix is prefixSums of the
// n observations.
func bucketSums(prefix []float64, k int, buf []float64) []float64 {
	n := len(prefix) - 1
	drop := n % k
	sums := buf[:n/k]
	for j := range sums {
		sums[j] = prefix[drop+(j+1)*k] - prefix[drop+j*k]
	}
	return sums
}
