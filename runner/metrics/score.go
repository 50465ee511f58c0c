package metrics

import (
	"fmt"
	"math"
)

// Scale is the in-sample error of the seasonal naive forecast on a training
// history: the denominator of MASE (MAE) and RMSSE (MSE).
type Scale struct {
	MAE, MSE float64
}

// NaiveScale computes the M4 scale of history: the mean absolute and mean
// squared differences y[t] − y[t−season]. A season below 2, or one so long
// that no pair fits in the history, falls back to the naive forecast
// (season 1). Pairs with a NaN on either side are ignored. A history with no
// usable pair has a zero scale.
func NaiveScale(history []float64, season int) Scale {
	if season < 1 || season >= len(history) {
		season = 1
	}
	var sumAbs, sumSq float64
	n := 0
	for t := season; t < len(history); t++ {
		d := history[t] - history[t-season]
		if math.IsNaN(d) {
			continue
		}
		sumAbs += math.Abs(d)
		sumSq += d * d
		n++
	}
	if n == 0 {
		return Scale{}
	}
	return Scale{MAE: sumAbs / float64(n), MSE: sumSq / float64(n)}
}

// Score returns the metric of forecast against actual. Pairs whose actual is
// NaN (a missing observation) are not scored; if no pair is left the score
// is NaN, meaning "nothing to score". scale is used by MASE and RMSSE only.
//
// Zero denominators are handled the same way in every metric: when the
// denominator is zero (a constant history for MASE and RMSSE, all-zero
// actuals for WAPE, a zero actual and zero forecast in one sMAPE term) the
// result is 0 if the numerator is also zero — the forecast was exact — and
// +Inf otherwise.
func (m Metric) Score(actual, forecast []float64, scale Scale) float64 {
	if len(actual) != len(forecast) {
		panic(fmt.Sprintf("metrics: %d actuals but %d forecasts", len(actual), len(forecast)))
	}
	switch m {
	case MAE:
		return mae(actual, forecast)
	case RMSE:
		return math.Sqrt(mse(actual, forecast))
	case MASE:
		return ratio(mae(actual, forecast), scale.MAE)
	case RMSSE:
		return math.Sqrt(ratio(mse(actual, forecast), scale.MSE))
	case SMAPE:
		return smape(actual, forecast)
	case WAPE:
		return wape(actual, forecast)
	}
	panic(fmt.Sprintf("metrics: unknown metric %q", string(m)))
}

// Evaluate scores forecast against actual, computing the scale from history
// with the given season. It is the one-call form of NaiveScale and Score.
func Evaluate(m Metric, actual, forecast, history []float64, season int) float64 {
	var scale Scale
	if m.Scaled() {
		scale = NaiveScale(history, season)
	}
	return m.Score(actual, forecast, scale)
}

// ratio divides with the package's zero-denominator convention.
func ratio(num, den float64) float64 {
	switch {
	case math.IsNaN(num):
		return math.NaN()
	case den > 0:
		return num / den
	case num == 0:
		return 0
	default:
		return math.Inf(1)
	}
}

func mae(actual, forecast []float64) float64 {
	var sum float64
	n := 0
	for i, a := range actual {
		if math.IsNaN(a) {
			continue
		}
		sum += math.Abs(a - forecast[i])
		n++
	}
	return mean(sum, n)
}

func mse(actual, forecast []float64) float64 {
	var sum float64
	n := 0
	for i, a := range actual {
		if math.IsNaN(a) {
			continue
		}
		d := a - forecast[i]
		sum += d * d
		n++
	}
	return mean(sum, n)
}

// smape is the M4 symmetric MAPE in percent, 200·|y−f|/(|y|+|f|) averaged.
func smape(actual, forecast []float64) float64 {
	var sum float64
	n := 0
	for i, a := range actual {
		if math.IsNaN(a) {
			continue
		}
		f := forecast[i]
		sum += ratio(200*math.Abs(a-f), math.Abs(a)+math.Abs(f))
		n++
	}
	return mean(sum, n)
}

// wape is the sum of absolute errors over the sum of absolute actuals, in
// percent; it weighs each period by its volume, which planners prefer on
// intermittent series where per-period percentages explode.
func wape(actual, forecast []float64) float64 {
	var sumErr, sumAct float64
	n := 0
	for i, a := range actual {
		if math.IsNaN(a) {
			continue
		}
		sumErr += math.Abs(a - forecast[i])
		sumAct += math.Abs(a)
		n++
	}
	if n == 0 {
		return math.NaN()
	}
	return 100 * ratio(sumErr, sumAct)
}

func mean(sum float64, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// Bias is the scaled mean error of forecast against actual: the mean of
// forecast − actual over the observed actuals, divided by the scale's MAE
// (the in-sample naive error, as in MASE). Positive means the forecast was
// too high. It is NaN when nothing was observed, and follows Score's
// zero-denominator convention (0 for an exact forecast, ±Inf otherwise)
// when the scale is zero.
func Bias(actual, forecast []float64, scale Scale) float64 {
	if len(actual) != len(forecast) {
		panic(fmt.Sprintf("metrics: %d actuals but %d forecasts", len(actual), len(forecast)))
	}
	var sum float64
	n := 0
	for i, a := range actual {
		if math.IsNaN(a) {
			continue
		}
		sum += forecast[i] - a
		n++
	}
	return ScaledError(sum, n, scale)
}

// ScaledError is Bias from its parts: the sum of n errors forecast −
// actual and the scale.
func ScaledError(sum float64, n int, scale Scale) float64 {
	me := mean(sum, n)
	if me < 0 {
		return -ratio(-me, scale.MAE)
	}
	return ratio(me, scale.MAE)
}

// MSIS is the M4 competition's mean scaled interval score of the central
// interval [lower, upper] at level percent: per observed actual, the width
// plus 2/α times how far the actual fell outside (α = 1 − level/100),
// averaged and divided by the scale's MAE. It rewards narrow intervals and
// punishes misses in proportion to their size; lower is better. It is NaN
// when nothing was observed and follows Score's zero-denominator
// convention when the scale is zero.
func MSIS(actual, lower, upper []float64, level float64, scale Scale) float64 {
	if len(lower) != len(actual) || len(upper) != len(actual) {
		panic(fmt.Sprintf("metrics: %d actuals but %d lower and %d upper bounds", len(actual), len(lower), len(upper)))
	}
	penalty := 2 / (1 - level/100)
	var sum float64
	n := 0
	for i, a := range actual {
		if math.IsNaN(a) {
			continue
		}
		l, u := lower[i], upper[i]
		sum += u - l + penalty*max(l-a, 0) + penalty*max(a-u, 0)
		n++
	}
	return ratio(mean(sum, n), scale.MAE)
}
