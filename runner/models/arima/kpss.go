package arima

import "math"

// kpssCritical5 is the 5% critical value of the KPSS level-stationarity
// test (Kwiatkowski et al. 1992, Table 1; urca's cval for type "mu").
// ndiffs differences when urca's interpolated p-value is below 0.05,
// that is when the statistic exceeds this value.
const kpssCritical5 = 0.463

// kpss returns the KPSS statistic for level stationarity with Bartlett
// weights up to lag lags, as urca's ur.kpss(type = "mu"): the partial
// sums of the demeaned series, squared and summed, over n² times the
// long-run variance estimate.
func kpss(y []float64, lags int) float64 {
	n := len(y)
	mu := mean(y)
	var cum, num, s0 float64
	for _, v := range y {
		e := v - mu
		cum += e
		num += cum * cum
		s0 += e * e
	}
	lrv := s0 / float64(n)
	for l := 1; l <= lags; l++ {
		var c float64
		for t := l; t < n; t++ {
			c += (y[t] - mu) * (y[t-l] - mu)
		}
		lrv += 2 * (1 - float64(l)/float64(lags+1)) * c / float64(n)
	}
	return num / (float64(n) * float64(n)) / lrv
}

// kpssLags is forecast's ndiffs choice of lag truncation, trunc(3√n/13).
// (urca's own "short" default, trunc(4·(n/100)^¼), is not what ndiffs
// uses.)
func kpssLags(n int) int { return int(3 * math.Sqrt(float64(n)) / 13) }

// ndiffs returns the number of first differences, at most maxD, that
// make y level-stationary by repeated KPSS tests at the 5% level, as R
// forecast's ndiffs(y, test = "kpss").
func ndiffs(y []float64, maxD int) int {
	x := append([]float64(nil), y...)
	if isConstant(x) {
		return 0
	}
	d := 0
	for d < maxD && len(x) > 1 && kpss(x, kpssLags(len(x))) > kpssCritical5 {
		d++
		x = diffLag(x, 1)
		if len(x) == 0 || isConstant(x) {
			return d
		}
	}
	return d
}
