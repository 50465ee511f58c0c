package arima

import "fmt"

// Order is the non-seasonal part of an ARIMA model: P autoregressive
// terms, D differences and Q moving-average terms.
type Order struct{ P, D, Q int }

// Seasonal is the seasonal part: orders in units of the season length.
type Seasonal struct{ P, D, Q int }

// spec fully describes one candidate model.
type spec struct {
	order    Order
	seasonal Seasonal
	season   int  // 1 when the model is not seasonal
	constant bool // a mean (no differencing) or drift (one difference)
}

// String formats the orders as R forecast does, for example
// "ARIMA(1,1,1)(0,1,1)[12] with drift".
func (s spec) String() string {
	out := fmt.Sprintf("ARIMA(%d,%d,%d)", s.order.P, s.order.D, s.order.Q)
	if s.seasonal != (Seasonal{}) {
		out += fmt.Sprintf("(%d,%d,%d)[%d]", s.seasonal.P, s.seasonal.D, s.seasonal.Q, s.season)
	}
	if s.constant {
		switch s.differences() {
		case 0:
			out += " with non-zero mean"
		case 1:
			out += " with drift"
		}
	}
	return out
}

// differences is the total number of differences, ordinary and seasonal.
func (s spec) differences() int { return s.order.D + s.seasonal.D }

// hasConstant reports whether the constant is estimated: R only fits a
// mean or a drift when there is at most one difference.
func (s spec) hasConstant() bool { return s.constant && s.differences() <= 1 }

// lostToDifferencing is the number of observations differencing consumes.
func (s spec) lostToDifferencing() int { return s.order.D + s.seasonal.D*s.season }

// constantLag is the lag of the one difference, by which a drift per
// period scales to the mean of the differenced series.
func (s spec) constantLag() int {
	if s.seasonal.D == 1 {
		return s.season
	}
	return 1
}

// numCoef is the number of estimated coefficients: AR, MA, seasonal AR,
// seasonal MA and the constant, in R's order.
func (s spec) numCoef() int {
	k := s.order.P + s.order.Q + s.seasonal.P + s.seasonal.Q
	if s.hasConstant() {
		k++
	}
	return k
}
