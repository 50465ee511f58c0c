package expsmooth

import "math"

// amseHorizons is R's default nmse: the seasonal criterion averages the
// mean squared errors of the 1-, 2- and 3-step-ahead forecasts.
const amseHorizons = 3

// seasonalAMSE is R's ets opt.crit = "amse" for the Holt-Winters models,
// the mean over h = 1..3 of the mean squared h-step-ahead in-sample errors,
// starting from st (left at the final states). It allocates nothing.
//
// R's hw() minimises the one-step MSE, but its Nelder–Mead, searching 3
// smoothing parameters and m+1 initial states at once, stops far from that
// optimum. Ours gets much closer, and the true one-step optimum often has
// a trend weight near its bound (β → α): on smooth hourly data the last
// step's change predicts the next one well, and extrapolating it 48 steps
// is disastrous. On the first 40 m4-hourly items, sMAPE at h = 48 was
// 18.5 (additive) and 11.3 (multiplicative) with the one-step criterion,
// against R's 7.1 and 7.0; with this criterion it is 6.1 and 5.3.
func (s spec) seasonalAMSE(p Params, st *state, y []float64) float64 {
	var sums [amseHorizons]float64
	if s.season == Multiplicative {
		sums = amseMultiplicative(p, st, y)
	} else {
		sums = amseAdditive(p, st, y)
	}
	var crit float64
	for h, v := range sums {
		crit += v / float64(max(len(y)-h, 1)) / amseHorizons
	}
	if math.IsNaN(crit) {
		return math.Inf(1)
	}
	return crit
}

// ahead holds the trend multipliers of the 2- and 3-step forecasts in the
// q-form: l + (φ+…+φ^h)b = q + (φ²+…+φ^h)b.
func ahead(phi float64) (two, three float64) {
	two = phi * phi
	return two, two + two*phi
}

func amseAdditive(p Params, st *state, y []float64) (sums [amseHorizons]float64) {
	r := newRecursion(p)
	k2, k3 := ahead(p.Phi)
	q, b, s := st.level+p.Phi*st.trend, st.trend, st.season
	m, n := len(s), len(y)
	j, j1, j2 := 0, 1%m, 2%m
	for t, yt := range y {
		sj := s[j]
		u := yt - sj
		e := u - q
		sums[0] += e * e
		if t+2 < n {
			e2 := y[t+1] - (q + k2*b + s[j1])
			e3 := y[t+2] - (q + k3*b + s[j2])
			sums[1] += e2 * e2
			sums[2] += e3 * e3
		} else if t+1 < n {
			e2 := y[t+1] - (q + k2*b + s[j1])
			sums[1] += e2 * e2
		}
		s[j] = sj + p.Gamma*e
		q, b = r.cq*q+(r.phi2*b+r.cu*u), p.Phi*b+p.Beta*e
		j, j1, j2 = j1, j2, next(j2, m)
	}
	st.level, st.trend = q-p.Phi*b, b
	return sums
}

func amseMultiplicative(p Params, st *state, y []float64) (sums [amseHorizons]float64) {
	r := newRecursion(p)
	k2, k3 := ahead(p.Phi)
	q, b, s := st.level+p.Phi*st.trend, st.trend, st.season
	m, n := len(s), len(y)
	j, j1, j2 := 0, 1%m, 2%m
	for t, yt := range y {
		sj := s[j]
		e := yt - q*sj
		sums[0] += e * e
		if t+2 < n {
			e2 := y[t+1] - (q+k2*b)*s[j1]
			e3 := y[t+2] - (q+k3*b)*s[j2]
			sums[1] += e2 * e2
			sums[2] += e3 * e3
		} else if t+1 < n {
			e2 := y[t+1] - (q+k2*b)*s[j1]
			sums[1] += e2 * e2
		}
		u := yt / sj
		s[j] = sj + p.Gamma*(yt/q-sj)
		q, b = r.cq*q+(r.phi2*b+r.cu*u), p.Phi*b+p.Beta*(u-q)
		j, j1, j2 = j1, j2, next(j2, m)
	}
	st.level, st.trend = q-p.Phi*b, b
	return sums
}

// next is (j+1) mod m for j < m.
func next(j, m int) int {
	if j+1 == m {
		return 0
	}
	return j + 1
}
