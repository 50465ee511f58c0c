package expsmooth

import "math"

func sqrtNonNeg(v float64) float64 { return math.Sqrt(math.Max(v, 0)) }

// phase returns the seasonal position of forecast step i (1-based).
func (f *Fitted) phase(i int) int { return (f.n + i - 1) % f.spec.period }

// dampedSums returns φ + φ² + … + φ^j for j = 1..h (j without damping).
func dampedSums(phi float64, h int) []float64 {
	out := make([]float64, h)
	power, sum := 1.0, 0.0
	for j := range out {
		power *= phi
		sum += power
		out[j] = sum
	}
	return out
}

// pointForecast extrapolates the final states h steps.
func (f *Fitted) pointForecast(h int) []float64 {
	out := make([]float64, h)
	st, p := f.final, f.params
	phiSum := dampedSums(p.Phi, h)
	for i := range out {
		v := st.level + phiSum[i]*st.trend
		switch f.spec.season {
		case Additive:
			v += st.season[f.phase(i+1)]
		case Multiplicative:
			v *= st.season[f.phase(i+1)]
		}
		out[i] = v
	}
	return out
}

// class1 returns the forecast variances of a linear (additive-error)
// model: σ²(1 + Σ_{j<h} c_j²) with c_j = α + β(φ+…+φ^j) + γ·[m divides j]
// (Hyndman et al. 2008, table 6.1).
func (f *Fitted) class1(h int) []float64 {
	p := f.params
	out := make([]float64, h)
	phiSum := dampedSums(p.Phi, h)
	cum := 0.0
	for i := range out {
		out[i] = f.sigma2 * (1 + cum)
		j := i + 1
		c := p.Alpha + p.Beta*phiSum[i]
		if f.spec.season != noSeason && j%f.spec.period == 0 {
			c += p.Gamma
		}
		cum += c * c
	}
	return out
}
