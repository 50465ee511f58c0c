package etsmoments

// Params are the smoothing parameters in R's ets parameterisation; Beta is
// 0 without a trend, Gamma 0 without a season and Phi 1 without damping.
type Params struct {
	Alpha, Beta, Gamma, Phi float64
}

// Season is how the seasonal component enters the forecast.
type Season int

// Season kinds.
const (
	NoSeason Season = iota
	Additive
	Multiplicative
)

// Origin is a fitted model at its forecast origin.
type Origin struct {
	Params
	Trend  bool
	Season Season
	M      int // seasonal period, ignored without a season
	// N is the number of observations filtered, so that forecast step i
	// falls on seasonal position (N+i-1) mod M.
	N            int
	Level, Slope float64
	// Seasonal[k] is the seasonal state of the times t ≡ k (mod M), t = 0
	// being the first observation; nil without a season.
	Seasonal []float64
	Sigma2   float64 // variance of the error term (relative for M error)
}

// phase returns the seasonal position of forecast step i (1-based).
func (o *Origin) phase(i int) int { return (o.N + i - 1) % o.M }

// DampedSums returns φ + φ² + … + φ^j for j = 1..h (j without damping).
func DampedSums(phi float64, h int) []float64 {
	out := make([]float64, h)
	power, sum := 1.0, 0.0
	for j := range out {
		power *= phi
		sum += power
		out[j] = sum
	}
	return out
}

// PointForecast extrapolates the final states h steps without noise:
// (l + (φ+…+φ^i)b) plus or times the seasonal state of step i.
func (o *Origin) PointForecast(h int) []float64 {
	out := make([]float64, h)
	phiSum := DampedSums(o.Phi, h)
	for i := range out {
		v := o.Level + phiSum[i]*o.Slope
		switch o.Season {
		case Additive:
			v += o.Seasonal[o.phase(i+1)]
		case Multiplicative:
			v *= o.Seasonal[o.phase(i+1)]
		}
		out[i] = v
	}
	return out
}

// ErrorWeights returns c_j = α + β(φ+…+φ^j) + γ·[M divides j] for
// j = 1..h, the weight of an error j steps back in the forecast (Hyndman
// et al. 2008, table 6.1).
func (o *Origin) ErrorWeights(h int) []float64 {
	phiSum := DampedSums(o.Phi, h)
	c := make([]float64, h)
	for i := range c {
		c[i] = o.errorWeight(i+1, phiSum[i])
	}
	return c
}

// errorWeight is c_j given phiSum = φ+…+φ^j.
func (o *Origin) errorWeight(j int, phiSum float64) float64 {
	c := o.Alpha + o.Beta*phiSum
	if o.Season != NoSeason && j%o.M == 0 {
		c += o.Gamma
	}
	return c
}

// Class1 returns the forecast variances σ²(1 + Σ_{j<h} c_j²) of a linear
// (class 1) model. It sums the weights as it goes rather than through
// ErrorWeights, which saves the forecast an allocation.
func (o *Origin) Class1(h int) []float64 {
	phiSum := DampedSums(o.Phi, h)
	variance := make([]float64, h)
	cum := 0.0
	for i := range variance {
		variance[i] = o.Sigma2 * (1 + cum)
		c := o.errorWeight(i+1, phiSum[i])
		cum += c * c
	}
	return variance
}

// Class2 returns the point forecasts and the approximate variances
// (1+σ²)θ_h − μ_h² with θ_1 = μ_1², θ_h = μ_h² + σ² Σ_{j<h} c_j² θ_{h−j}
// of multiplicative error without multiplicative season.
func (o *Origin) Class2(h int) (mean, variance []float64) {
	mean, c := o.PointForecast(h), o.ErrorWeights(h)
	theta := make([]float64, h)
	variance = make([]float64, h)
	for i := range theta {
		theta[i] = mean[i] * mean[i]
		for j := 1; j <= i; j++ {
			theta[i] += o.Sigma2 * c[j-1] * c[j-1] * theta[i-j]
		}
		variance[i] = (1+o.Sigma2)*theta[i] - mean[i]*mean[i]
	}
	return mean, variance
}
