package expsmooth

// SeasonalFigure returns the seasonal indices of a classical decomposition
// (R's decompose): a centred moving average of length period (2×period when
// period is even) gives the trend, the detrended values are averaged per
// position in the season, and the figure is centred to sum 0 (additive) or
// average 1 (multiplicative). figure[k] belongs to the times t ≡ k (mod
// period), t = 0 being y[0]. y must hold at least two full periods.
func SeasonalFigure(y []float64, period int, multiplicative bool) []float64 {
	figure := make([]float64, period)
	counts := make([]int, period)
	trend := centredMeans{y: y, period: period}
	for t := period / 2; t < len(y)-period/2; t++ {
		k := t % period
		if multiplicative {
			figure[k] += y[t] / trend.at(t)
		} else {
			figure[k] += y[t] - trend.at(t)
		}
		counts[k]++
	}
	var mean float64
	for k := range figure {
		figure[k] /= float64(counts[k])
		mean += figure[k] / float64(period)
	}
	for k := range figure {
		if multiplicative {
			figure[k] /= mean
		} else {
			figure[k] -= mean
		}
	}
	return figure
}

// centredMeans yields the moving average centred on t for increasing t:
// equal weights over period points when period is odd, and half weights on
// the two end points of a period+1 window when it is even, as R's
// decompose filter. A running sum of the period-1 (odd: period-2) inner
// points makes each step O(1).
type centredMeans struct {
	y      []float64
	period int
	next   int     // the t the running sum is ready for, 0 before the first
	inner  float64 // sum of y[t-half+1 .. t+half-1]
}

func (c *centredMeans) at(t int) float64 {
	half := c.period / 2
	if c.next == 0 || t != c.next {
		c.inner = 0
		for i := t - half + 1; i < t+half; i++ {
			c.inner += c.y[i]
		}
	} else {
		c.inner += c.y[t+half-1] - c.y[t-half]
	}
	c.next = t + 1
	ends := c.y[t-half] + c.y[t+half]
	if c.period%2 == 1 {
		return (c.inner + ends) / float64(c.period)
	}
	return (c.inner + 0.5*ends) / float64(c.period)
}
