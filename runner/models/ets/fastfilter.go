package ets

import "math"

// The loops below are filter specialised by form for the likelihood
// search, which runs them hundreds of times per fit. They carry
// q = l + φb, the level the next observation is forecast from, instead of
// l: substituting the level and trend updates gives
// q' = (1−α−φβ)q + (α+φβ)u + φ²b, where u is the deseasonalised observation
// (y, y−s or y/s). Each step then waits for one multiply-add on q, while
// the errors, the divisions and the seasonal updates run off that critical
// path (in the multiplicative forms a division on the path would triple the
// cost of a step). Σlog|ŷ| is accumulated as binary exponents plus a
// mantissa product logged every 256 steps (each mantissa is below 2, so
// the product stays below 2^256). The states are the same as the
// textbook recursions' up to rounding; TestFastFilterMatchesKernel checks
// them against kernel.

// fastFilter is filter without fitted values or errors.
func (f form) fastFilter(p Params, st *state, y []float64) pass {
	mult := f.Error == Multiplicative
	switch {
	case f.Season == Additive && mult:
		return fastAdditiveM(p, st, y)
	case f.Season == Additive:
		return fastAdditiveA(p, st, y)
	case f.Season == Multiplicative && mult:
		return fastMultiplicativeM(p, st, y)
	case f.Season == Multiplicative:
		return fastMultiplicativeA(p, st, y)
	case mult:
		return fastPlainM(p, st, y)
	}
	return fastPlainA(p, st, y)
}

// qForm holds the coefficients of the q recursion. The loops carry
// c = φ²b rather than the trend b itself: c' = φc + φ²β·(u−q) adds to q'
// directly, one multiply shorter on the path from q back to q.
type qForm struct{ cq, cu, phi2, betaPhi2 float64 }

func newQForm(p Params) qForm {
	phi2 := p.Phi * p.Phi
	return qForm{cq: 1 - p.Alpha - p.Phi*p.Beta, cu: p.Alpha + p.Phi*p.Beta, phi2: phi2, betaPhi2: p.Beta * phi2}
}

// start returns q and c from the initial states.
func (r qForm) start(st *state, p Params) (q, c float64) {
	return st.level + p.Phi*st.trend, r.phi2 * st.trend
}

// finish stores the final level and trend from q and c.
func (r qForm) finish(st *state, p Params, q, c float64) {
	b := c / r.phi2
	st.level, st.trend = q-p.Phi*b, b
}

// mantissaLogs sums log|x| over many x with one logarithm per 256 values:
// it adds up the binary exponents and multiplies the mantissas. x must be
// positive and normal for the sum to be exact; other values only occur in
// passes that are rejected. The fast loops inline add by hand.
type mantissaLogs struct {
	exps       int64
	mant, logs float64
}

const (
	exponentMask = 0x7ff << 52
	oneBits      = 1023 << 52
)

// add accounts for x, the value of step t.
func (a *mantissaLogs) add(t int, x float64) {
	ex, mt := mantissa(x)
	a.exps += ex
	if a.mant *= mt; t&255 == 255 {
		a.logs += math.Log(a.mant)
		a.mant = 1
	}
}

func (a *mantissaLogs) total(n int) float64 {
	return a.logs + math.Log(a.mant) + float64(a.exps-1023*int64(n))*math.Ln2
}

// mantissa returns x's biased exponent bits and its mantissa in [1,2).
func mantissa(x float64) (int64, float64) {
	bits := math.Float64bits(x)
	return int64(bits >> 52), math.Float64frombits(bits&^exponentMask | oneBits)
}

func fastPlainA(p Params, st *state, y []float64) pass {
	r := newQForm(p)
	q, c := r.start(st, p)
	var sse float64
	for _, yt := range y {
		e := yt - q
		sse += e * e
		q, c = r.cq*q+(c+r.cu*yt), p.Phi*c+r.betaPhi2*e
	}
	r.finish(st, p, q, c)
	return pass{sse: sse, ok: true}
}

func fastPlainM(p Params, st *state, y []float64) pass {
	r := newQForm(p)
	q, c := r.start(st, p)
	var sse float64
	minF := math.Inf(1)
	logs := mantissaLogs{mant: 1}
	for t, yt := range y {
		d := yt - q
		e := d / q
		sse += e * e
		minF = min(minF, q)
		ex, mt := mantissa(q)
		logs.exps += ex
		if logs.mant *= mt; t&255 == 255 {
			logs.logs += math.Log(logs.mant)
			logs.mant = 1
		}
		q, c = r.cq*q+(c+r.cu*yt), p.Phi*c+r.betaPhi2*d
	}
	r.finish(st, p, q, c)
	return pass{sse: sse, logSum: logs.total(len(y)), ok: minF > 0}
}

func fastAdditiveA(p Params, st *state, y []float64) pass {
	r := newQForm(p)
	q, c := r.start(st, p)
	s := st.season
	var sse float64
	j := 0
	for _, yt := range y {
		u := yt - s[j]
		d := u - q
		sse += d * d
		s[j] += p.Gamma * d
		q, c = r.cq*q+(c+r.cu*u), p.Phi*c+r.betaPhi2*d
		if j++; j == len(s) {
			j = 0
		}
	}
	r.finish(st, p, q, c)
	return pass{sse: sse, ok: true}
}

func fastAdditiveM(p Params, st *state, y []float64) pass {
	r := newQForm(p)
	q, c := r.start(st, p)
	s := st.season
	var sse float64
	minF := math.Inf(1)
	logs := mantissaLogs{mant: 1}
	j := 0
	for t, yt := range y {
		sj := s[j]
		fc := q + sj
		u := yt - sj
		d := u - q
		e := d / fc
		sse += e * e
		minF = min(minF, fc)
		ex, mt := mantissa(fc)
		logs.exps += ex
		if logs.mant *= mt; t&255 == 255 {
			logs.logs += math.Log(logs.mant)
			logs.mant = 1
		}
		s[j] = sj + p.Gamma*d
		q, c = r.cq*q+(c+r.cu*u), p.Phi*c+r.betaPhi2*d
		if j++; j == len(s) {
			j = 0
		}
	}
	r.finish(st, p, q, c)
	return pass{sse: sse, logSum: logs.total(len(y)), ok: minF > 0}
}

func fastMultiplicativeA(p Params, st *state, y []float64) pass {
	r := newQForm(p)
	q, c := r.start(st, p)
	s := st.season
	var sse float64
	minQ := math.Inf(1)
	j := 0
	for _, yt := range y {
		sj := s[j]
		e := yt - q*sj
		sse += e * e
		u := yt / sj
		minQ = min(minQ, q)
		s[j] = sj + p.Gamma*(yt/q-sj)
		q, c = r.cq*q+(c+r.cu*u), p.Phi*c+r.betaPhi2*(u-q)
		if j++; j == len(s) {
			j = 0
		}
	}
	r.finish(st, p, q, c)
	return pass{sse: sse, ok: minQ > 0}
}

func fastMultiplicativeM(p Params, st *state, y []float64) pass {
	r := newQForm(p)
	q, c := r.start(st, p)
	s := st.season
	var sse float64
	minQ, minS := math.Inf(1), math.Inf(1)
	logs := mantissaLogs{mant: 1}
	j := 0
	for t, yt := range y {
		sj := s[j]
		invS := 1 / sj
		u := yt * invS
		yq := yt / q
		e := yq*invS - 1 // (y − qs)/(qs)
		sse += e * e
		minQ, minS = min(minQ, q), min(minS, sj)
		ex, mt := mantissa(q * sj)
		logs.exps += ex
		if logs.mant *= mt; t&255 == 255 {
			logs.logs += math.Log(logs.mant)
			logs.mant = 1
		}
		s[j] = sj + p.Gamma*(yq-sj)
		q, c = r.cq*q+(c+r.cu*u), p.Phi*c+r.betaPhi2*(u-q)
		if j++; j == len(s) {
			j = 0
		}
	}
	r.finish(st, p, q, c)
	return pass{sse: sse, logSum: logs.total(len(y)), ok: minQ > 0 && minS > 0}
}
