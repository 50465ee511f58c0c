package ets

import "math"

// pass is the outcome of one filter pass over the data.
type pass struct {
	sse    float64 // sum of squared errors: y-ŷ, or (y-ŷ)/ŷ for multiplicative error
	logSum float64 // Σ log|ŷ|, multiplicative error only
	ok     bool    // false when a forecast left the region the form needs
}

// lik is R's concentrated -2·log-likelihood without its constant:
// n·log(SSE) for additive error, n·log(SSE) + 2·Σlog|ŷ| for multiplicative.
func (f form) lik(ps pass, n int) float64 {
	if !ps.ok || !(ps.sse >= 0) || math.IsInf(ps.sse, 0) {
		return math.Inf(1)
	}
	v := float64(n) * math.Log(ps.sse)
	if f.Error == Multiplicative {
		v += 2 * ps.logSum
	}
	if math.IsNaN(v) {
		return math.Inf(1)
	}
	return v
}

// filter runs the error-correction recursions over y from st, leaving the
// final states in st. When fitted is not nil it receives the one-step
// forecasts. The state updates are the same
// for both error types (Hyndman et al. 2008, table 2.3, written in terms of
// y); the error type only changes what the likelihood sums. It allocates
// nothing.
func (f form) filter(p Params, st *state, y, fitted []float64) pass {
	if fitted == nil {
		return f.fastFilter(p, st, y)
	}
	k := kernel{p: p, mult: f.Error == Multiplicative, fitted: fitted, logs: mantissaLogs{mant: 1}}
	if k.mult {
		k.n = len(y)
	}
	switch f.Season {
	case Additive:
		return k.additive(st, y)
	case Multiplicative:
		return k.multiplicative(st, y)
	}
	return k.plain(st, y)
}

// kernel is one pass's settings and accumulators. Without a trend, Beta and
// the trend state are 0, so the trend terms vanish without a branch.
type kernel struct {
	p         Params
	mult      bool
	fitted    []float64
	sse, minF float64
	logs      mantissaLogs
	n         int
}

// observe accounts for the one-step forecast fc of y[t].
func (k *kernel) observe(t int, yt, fc float64) {
	e := yt - fc
	if k.mult {
		e /= fc
		k.logs.add(t, fc)
		k.minF = min(k.minF, fc)
	}
	k.sse += e * e
	if k.fitted != nil {
		k.fitted[t] = fc
	}
}

func (k *kernel) result() pass {
	return pass{sse: k.sse, logSum: k.logs.total(k.n), ok: !k.mult || k.minF > 0}
}

func (k *kernel) plain(st *state, y []float64) pass {
	p := k.p
	l, b := st.level, st.trend
	k.minF = math.Inf(1)
	for t, yt := range y {
		q := l + p.Phi*b
		k.observe(t, yt, q)
		d := yt - q
		l, b = q+p.Alpha*d, p.Phi*b+p.Beta*d
	}
	st.level, st.trend = l, b
	return k.result()
}

func (k *kernel) additive(st *state, y []float64) pass {
	p := k.p
	l, b, s := st.level, st.trend, st.season
	k.minF = math.Inf(1)
	j := 0
	for t, yt := range y {
		q, sj := l+p.Phi*b, s[j]
		k.observe(t, yt, q+sj)
		d := yt - sj - q
		s[j] = sj + p.Gamma*d
		l, b = q+p.Alpha*d, p.Phi*b+p.Beta*d
		if j++; j == len(s) {
			j = 0
		}
	}
	st.level, st.trend = l, b
	return k.result()
}

func (k *kernel) multiplicative(st *state, y []float64) pass {
	p := k.p
	l, b, s := st.level, st.trend, st.season
	k.minF = math.Inf(1)
	minQ := math.Inf(1)
	j := 0
	for t, yt := range y {
		q, sj := l+p.Phi*b, s[j]
		k.observe(t, yt, q*sj)
		minQ = min(minQ, q)
		d := yt/sj - q
		s[j] = sj + p.Gamma*(yt/q-sj)
		l, b = q+p.Alpha*d, p.Phi*b+p.Beta*d
		if j++; j == len(s) {
			j = 0
		}
	}
	st.level, st.trend = l, b
	ps := k.result()
	ps.ok = ps.ok && minQ > 0
	return ps
}
