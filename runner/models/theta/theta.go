package theta

import (
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/expsmooth"
)

// Theta is the model configuration: the season length (1 or less for
// non-seasonal data). It is immutable and safe across goroutines.
type Theta struct{ season int }

// New returns the Theta method for data with the given season length.
func New(season int) models.Model { return Theta{season: max(season, 1)} }

// Name implements models.Model.
func (Theta) Name() string { return "Theta" }

// Fit implements models.Model.
func (m Theta) Fit(y []float64) (models.Fitted, error) {
	deseason := m.seasonalFigure(y)
	x := adjust(y, deseason)
	ses, err := expsmooth.FitSES(x)
	if err != nil {
		return nil, fmt.Errorf("theta: %w", err)
	}
	return newFitted(m, y, deseason, ses), nil
}

// seasonalFigure returns the multiplicative seasonal indices by which y is
// deseasonalised, or nil when y is not seasonal. As thetaf, the data count
// as seasonal when the autocorrelation at the seasonal lag exceeds its
// 90% one-sided bound under the Bartlett approximation, and indices close
// to zero fall back to the non-seasonal method.
func (m Theta) seasonalFigure(y []float64) []float64 {
	n := len(y)
	if m.season < 2 || n <= 2*m.season || isConstant(y) {
		return nil
	}
	r := acf(y, m.season)
	var sum float64
	for _, v := range r[:m.season-1] {
		sum += v * v
	}
	stat := math.Sqrt((1 + 2*sum) / float64(n))
	if !(math.Abs(r[m.season-1])/stat > 1.6448536269514722) { // qnorm(0.95)
		return nil
	}
	fig := expsmooth.SeasonalFigure(y, m.season, true)
	for _, v := range fig {
		if !(math.Abs(v) >= 1e-4) || math.IsInf(v, 0) {
			return nil
		}
	}
	return fig
}

// adjust divides y by its seasonal indices; it returns y itself when there
// are none.
func adjust(y, figure []float64) []float64 {
	if figure == nil {
		return y
	}
	x := make([]float64, len(y))
	for t, v := range y {
		x[t] = v / figure[t%len(figure)]
	}
	return x
}

// acf returns the sample autocorrelations at lags 1..maxLag, as R's acf.
func acf(y []float64, maxLag int) []float64 {
	var mean float64
	for _, v := range y {
		mean += v / float64(len(y))
	}
	var c0 float64
	for _, v := range y {
		c0 += (v - mean) * (v - mean)
	}
	r := make([]float64, maxLag)
	for k := 1; k <= maxLag; k++ {
		var c float64
		for t := k; t < len(y); t++ {
			c += (y[t] - mean) * (y[t-k] - mean)
		}
		r[k-1] = c / c0
	}
	return r
}

func isConstant(y []float64) bool {
	for _, v := range y {
		if v != y[0] {
			return false
		}
	}
	return true
}

// halfSlope is half the least-squares slope of x on time: the drift of
// the theta = 2 line.
func halfSlope(x []float64) float64 {
	n := float64(len(x))
	tMean := (n - 1) / 2
	var xMean float64
	for _, v := range x {
		xMean += v / n
	}
	var sxy, sxx float64
	for t, v := range x {
		d := float64(t) - tMean
		sxy += d * (v - xMean)
		sxx += d * d
	}
	if sxx == 0 {
		return 0
	}
	return sxy / sxx / 2
}
