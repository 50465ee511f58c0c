package arima

import (
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/models"
)

// Fitted is a seasonal ARIMA model estimated on one history. It
// implements models.Fitted and models.Refitter.
type Fitted struct {
	spec  spec
	coef  []float64
	tail  []float64 // the last observations the differencing needs
	state []float64 // Kalman state predicted for the step after the last observation
	// u is the differenced history less the constant, from which Forecast
	// recomputes the state's covariance when it is asked for intervals.
	u        []float64
	sigma2   float64
	loglik   float64
	aicc     float64
	inSample []float64
}

// newFitted runs the Kalman filter with coef over the history y (w is y
// differenced) and keeps what forecasting needs. As forecast's Arima, the
// innovation variance is the sum of squared residuals over n − k
// (k coefficients), unbiased for the estimated coefficients; the
// log-likelihood is the one the estimation maximised (R's finite diffuse
// prior up to 150 observations, the exact diffuse likelihood above). The
// covariance of the final state, which only intervals need, is left to
// Forecast (see stateCovariance).
func newFitted(s spec, coef, y, w []float64) (*Fitted, error) {
	pl := newPolys(s)
	pl.set(coef)
	kf := newKalman(pl)
	u := make([]float64, len(w))
	for t, v := range w {
		u[t] = v - pl.constant
	}
	innov := make([]float64, len(w))
	ssq, sumlog, ok := kf.likelihood(u, innov)
	if !ok {
		return nil, fmt.Errorf("arima: %s has no stationary covariance: %w", s, models.ErrNotConverged)
	}
	n, k := float64(len(w)), float64(s.numCoef()+1)
	f := &Fitted{spec: s, coef: coef, state: append([]float64(nil), kf.a...), u: u}
	f.sigma2 = ssq / math.Max(n-k+1, 1)
	f.loglik = math.Inf(1) // a perfect fit
	if ssq > 0 {
		f.loglik = -0.5 * (n*math.Log(ssq/n) + sumlog + n + n*math.Log(2*math.Pi))
		if faithful(len(y)) && s.lostToDifferencing() > 0 { // R's diffuse prior differs
			if ll, _, ssqAll, ok := newMLProblem(s, y, w, true).logLik(coef); ok {
				f.loglik = ll
				f.sigma2 = ssqAll / math.Max(n-k+1, 1)
			}
		}
	}
	f.aicc = -2*f.loglik + 2*k + 2*k*(k+1)/(n-k-1)
	lost := s.lostToDifferencing()
	f.tail = append([]float64(nil), y[len(y)-lost:]...)
	f.setInSample(y, innov, lost)
	return f, nil
}

// setInSample sets the one-step predictions y_t − innovation_t; there are
// none before the differencing has data.
func (f *Fitted) setInSample(y, innov []float64, lost int) {
	f.inSample = make([]float64, len(y))
	for t := range y {
		f.inSample[t] = math.NaN()
		if t >= lost {
			f.inSample[t] = y[t] - innov[t-lost]
		}
	}
}

// Order returns the model as R forecast prints it, for example
// "ARIMA(1,1,1)(0,1,1)[12]" or "ARIMA(2,1,0) with drift".
func (f *Fitted) Order() string { return f.spec.String() }

// Orders returns the non-seasonal and seasonal orders, the season length
// and whether a mean or drift is included.
func (f *Fitted) Orders() (Order, Seasonal, int, bool) {
	return f.spec.order, f.spec.seasonal, f.spec.season, f.spec.hasConstant()
}

// Coefficient is one estimated coefficient with R's name for it.
type Coefficient struct {
	Name  string // ar1…, ma1…, sar1…, sma1…, intercept or drift
	Value float64
}

// Coefficients returns the estimates in R's order. A drift is per
// period of the original series, as R reports it.
func (f *Fitted) Coefficients() []Coefficient {
	s := f.spec
	var out []Coefficient
	i := 0
	add := func(prefix string, n int) {
		for j := 1; j <= n; j++ {
			out = append(out, Coefficient{Name: fmt.Sprintf("%s%d", prefix, j), Value: f.coef[i]})
			i++
		}
	}
	add("ar", s.order.P)
	add("ma", s.order.Q)
	add("sar", s.seasonal.P)
	add("sma", s.seasonal.Q)
	if s.hasConstant() {
		if s.differences() == 0 {
			out = append(out, Coefficient{Name: "intercept", Value: f.coef[i]})
		} else {
			out = append(out, Coefficient{Name: "drift", Value: f.coef[i] / float64(s.constantLag())})
		}
	}
	return out
}

// Sigma2 returns the innovation variance used for prediction intervals.
func (f *Fitted) Sigma2() float64 { return f.sigma2 }

// LogLik returns the exact Gaussian log-likelihood of the differenced
// series (+Inf for a perfect fit, such as a constant series).
func (f *Fitted) LogLik() float64 { return f.loglik }

// AICc returns the corrected Akaike information criterion (−Inf for a
// perfect fit).
func (f *Fitted) AICc() float64 { return f.aicc }

// InSample implements models.Fitted: one-step-ahead predictions, NaN for
// the first d + D·m observations that the differencing consumes.
func (f *Fitted) InSample() []float64 { return f.inSample }

// Refit implements models.Refitter. It keeps the orders and the
// estimated coefficients and only runs the Kalman filter over the new
// history y: no order search, no optimisation. The new history sets the
// final state the forecasts start from and the innovation variance.
func (f *Fitted) Refit(y []float64) (models.Fitted, error) {
	s := f.spec
	if need := s.lostToDifferencing() + 1; len(y) < need {
		return nil, models.TooShort(s.String(), len(y), need)
	}
	w := difference(y, s.order.D, s.seasonal.D, s.season)
	return newFitted(s, f.coef, y, w)
}

// Reestimate implements models.Reestimator: the same orders and constant,
// the coefficients estimated afresh on y by exact likelihood. The
// maximisation starts from f's coefficients rather than from a CSS fit
// (a warm start): the tournament reestimates on a history that extends
// the one f was fitted on, whose optimum is near f's. That saves the CSS
// fit; the maximisation itself takes about as many likelihood
// evaluations as from the CSS start (on the final fits of m4-weekly 7%
// fewer, of m4-hourly 8% more: the ill-posed forms use up the iteration
// limit from either start), and ends at an optimum as good (on 359
// m4-weekly and 414 m4-hourly final fits, a log-likelihood higher by
// more than 0.01 on 24 and 34, lower on 24 and 30). Where f's
// coefficients are no valid start (an AR part that is not stationary),
// the CSS fit gives the start as in Fit.
func (f *Fitted) Reestimate(y []float64) (models.Fitted, error) {
	return Model{spec: f.spec}.fitFrom(y, f.coef)
}
