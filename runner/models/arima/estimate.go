package arima

import "math"

// estimate is one fitted candidate: its coefficients and information
// criteria. ic is +Inf when the fit failed or R would reject it.
type estimate struct {
	spec               spec
	ok                 bool // coef holds an estimate (ic may still be +Inf)
	coef               []float64
	sigma2             float64 // ssq/n of the estimation (CSS or exact)
	loglik             float64 // NaN for CSS estimates
	aic, aicc, bic, ic float64
}

func failed(s spec) estimate {
	inf := math.Inf(1)
	return estimate{spec: s, aic: inf, aicc: inf, bic: inf, ic: inf, loglik: math.NaN()}
}

// fitCSS minimises the conditional sum of squares on the differenced
// series w, from zero ARMA coefficients and the mean of w as constant,
// R's starting values.
func fitCSS(w []float64, s spec) (coef []float64, sigma2 float64, ok bool) {
	pl := newPolys(s)
	k := s.numCoef()
	if len(w)-pl.nAR < k+1 {
		return nil, 0, false
	}
	coef = make([]float64, k)
	if s.hasConstant() {
		coef[k-1] = mean(w)
	}
	prob := newCSSProblem(pl, w, k)
	ssq := prob.minimizeCSS(coef)
	sigma2 = ssq / float64(prob.count())
	return coef, sigma2, !math.IsInf(ssq, 0) && !math.IsNaN(ssq)
}

// estimateCSS is auto.arima's approximation: a CSS fit whose AIC is
// offset + n·log σ² + 2k, with offset from an exact fit of the plain
// differenced model so that CSS and exact criteria are comparable.
func estimateCSS(w []float64, s spec, offset float64) estimate {
	coef, sigma2, ok := fitCSS(w, s)
	if !ok || !(sigma2 > 0) {
		return failed(s)
	}
	e := estimate{spec: s, ok: true, coef: coef, sigma2: sigma2, loglik: math.NaN()}
	e.setCriteria(offset+float64(len(w))*math.Log(sigma2), len(w))
	e.rejectNearUnitRoots()
	return e
}

// faithfulLength is the longest series whose exact fits use R's finite
// diffuse prior (diffuseKalman) rather than the exact diffuse likelihood.
// It is the range where auto.arima searches by exact likelihood, so that
// our search sees R's criteria; above it only the final model is fitted
// exactly, where the difference is negligible and the exact form is
// several times cheaper.
const faithfulLength = 150

func faithful(n int) bool { return n <= faithfulLength }

// estimateML is R's method "CSS-ML": CSS for starting values, then the
// exact likelihood maximised by BFGS, with auto.arima's checks of the
// result. y is the series, w its differences; faithful selects R's finite
// diffuse prior (see diffuseKalman).
func estimateML(y, w []float64, s spec, faithful bool) estimate {
	init, _, ok := fitCSS(w, s)
	if !ok {
		return failed(s)
	}
	return estimateMLFrom(y, w, s, faithful, init, false)
}

// estimateMLFrom is estimateML from the CSS estimate init. An estimate
// with an AR or MA root near the unit circle, or without finite
// standard errors, gets an infinite ic: auto.arima passes over it. With
// abandon set, so does a maximisation abandoned on its way to a near
// unit root (see mlProblem.abandonNearUnitRoots): the refits after an
// approximate search use it, where such fits are many and slow; the
// exact search of short series, whose fits are cheap, does not.
func estimateMLFrom(y, w []float64, s spec, faithful bool, init []float64, abandon bool) estimate {
	e, mp := maximizeML(y, w, s, faithful, init, abandon)
	if !e.ok {
		return e
	}
	e.rejectNearUnitRoots()
	if !math.IsInf(e.ic, 1) && !mp.standardErrorsExist(e.coef) {
		e.ic = math.Inf(1)
	}
	return e
}

// fitML is R's Arima with fixed orders: CSS-ML without auto.arima's
// checks, whose verdict a fit of given orders does not use (and whose
// numerical Hessian costs 2k²+1 likelihood evaluations).
func fitML(y, w []float64, s spec, faithful bool) estimate {
	init, _, ok := fitCSS(w, s)
	if !ok {
		return failed(s)
	}
	e, _ := maximizeML(y, w, s, faithful, init, false)
	return e
}

// maximizeML maximises the exact likelihood from init and sets the
// information criteria of the result. With abandon set, a maximisation
// that stays at coefficients auto.arima would reject is abandoned (see
// mlProblem.abandonNearUnitRoots) and the estimate fails.
func maximizeML(y, w []float64, s spec, faithful bool, init []float64, abandon bool) (estimate, *mlProblem) {
	mp := newMLProblem(s, y, w, faithful)
	mp.abandonNearUnitRoots = abandon
	coef, ok := mp.maximize(init)
	if !ok {
		return failed(s), mp
	}
	ll, sigma2, _, ok := mp.logLik(coef)
	if !ok {
		return failed(s), mp
	}
	e := estimate{spec: s, ok: true, coef: coef, sigma2: sigma2, loglik: ll}
	e.setCriteria(-2*e.loglik, len(w))
	return e, mp
}

// setCriteria sets AIC, AICc and BIC from −2·loglik (or its CSS
// stand-in), counting the innovation variance as a parameter, on the n
// observations left after differencing.
func (e *estimate) setCriteria(minus2LogLik float64, n int) {
	k := float64(e.spec.numCoef() + 1)
	e.aic = minus2LogLik + 2*k
	e.bic = e.aic + k*(math.Log(float64(n))-2)
	e.aicc = math.Inf(1)
	if den := float64(n) - k - 1; den > 0 {
		e.aicc = e.aic + 2*k*(k+1)/den
	}
	e.ic = e.aicc
	if math.IsNaN(e.ic) {
		e.ic = math.Inf(1)
	}
}

// rejectNearUnitRoots sets ic to +Inf when an AR or MA polynomial has a
// root within 1.01 of the unit circle, as auto.arima does.
func (e *estimate) rejectNearUnitRoots() {
	if nearUnitRoot(e.spec, e.coef) {
		e.ic = math.Inf(1)
	}
}

// nearUnitRoot reports whether an AR or MA polynomial of the coefficients
// c has a root within 1.01 of the unit circle.
func nearUnitRoot(s spec, c []float64) bool {
	const minRoot = 1.01
	p, q, sp, sq := s.order.P, s.order.Q, s.seasonal.P, s.seasonal.Q
	seasonalScale := math.Pow(minRoot, float64(s.season))
	return !(stationary(c[:p], minRoot) && stationary(c[p+q:p+q+sp], seasonalScale) &&
		stationary(negated(c[p:p+q]), minRoot) && stationary(negated(c[p+q+sp:p+q+sp+sq]), seasonalScale))
}

func negated(c []float64) []float64 {
	out := make([]float64, len(c))
	for i, v := range c {
		out[i] = -v
	}
	return out
}
