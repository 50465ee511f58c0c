package synth

import (
	"math"
	"math/rand/v2"
)

func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

// logUniform spreads levels evenly over orders of magnitude, as sales
// volumes across a catalogue are.
func logUniform(rng *rand.Rand, lo, hi float64) float64 {
	return math.Exp(uniform(rng, math.Log(lo), math.Log(hi)))
}

// logNormal is a log-normal multiplier with mean 1.
func logNormal(rng *rand.Rand, sigma float64) float64 {
	return math.Exp(sigma*rng.NormFloat64() - sigma*sigma/2)
}

// poisson draws a Poisson count by Knuth's multiplication method, which
// is exact and quick for the small means used here; large means use the
// normal approximation.
func poisson(rng *rand.Rand, mean float64) float64 {
	if mean <= 0 {
		return 0
	}
	if mean > 30 {
		return max(0, math.Round(mean+math.Sqrt(mean)*rng.NormFloat64()))
	}
	limit, p, k := math.Exp(-mean), rng.Float64(), 0.0
	for p > limit {
		p *= rng.Float64()
		k++
	}
	return k
}

// bump is an unnormalised Gaussian bump centred at mu.
func bump(x, mu, sigma float64) float64 {
	d := (x - mu) / sigma
	return math.Exp(-d * d / 2)
}

// normalise scales v to mean 1.
func normalise(v []float64) {
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	for i := range v {
		v[i] *= float64(len(v)) / sum
	}
}
