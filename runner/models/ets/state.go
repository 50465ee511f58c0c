package ets

// Params are the smoothing parameters in R's ets parameterisation. Beta is
// 0 without a trend, Gamma 0 without a season and Phi 1 without damping.
type Params struct {
	Alpha, Beta, Gamma, Phi float64
}

// state holds the components at one time. season[k] is the seasonal
// component of the times t ≡ k (mod m), t = 0 being the first observation,
// so that filtering never shifts the seasonal states; it is nil without a
// season.
type state struct {
	level, trend float64
	season       []float64
}

func newState(m int) state {
	if m < 2 {
		return state{}
	}
	return state{season: make([]float64, m)}
}

func (st *state) copyFrom(src *state) {
	st.level, st.trend = src.level, src.trend
	copy(st.season, src.season)
}

func (st *state) clone() state {
	c := newState(len(st.season))
	c.copyFrom(st)
	return c
}

// toFree lists the free initial states: level, trend, and the seasonal
// states of positions 1..m-1 (position 0 is fixed by the normalisation).
func (f form) toFree(st *state, z []float64) {
	z[0] = st.level
	i := 1
	if f.trend() {
		z[i] = st.trend
		i++
	}
	if f.seasonal() {
		copy(z[i:], st.season[1:])
	}
}

// fromFree is the inverse of toFree; it renormalises the seasonal states
// so that they sum to 0 (additive) or m (multiplicative), as R's ets.
func (f form) fromFree(z []float64, st *state) {
	st.level = z[0]
	i := 1
	if f.trend() {
		st.trend = z[i]
		i++
	}
	if !f.seasonal() {
		return
	}
	copy(st.season[1:], z[i:])
	st.season[0] = f.seasonTarget() - sum(st.season[1:])
}

func (f form) seasonTarget() float64 {
	if f.Season == Multiplicative {
		return float64(f.m)
	}
	return 0
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}
