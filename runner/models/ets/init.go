package ets

import (
	"math"

	"github.com/forecastrun/forecastrun/runner/models/expsmooth"
	"gonum.org/v1/gonum/mat"
)

// heuristicState returns R's ets starting states (its initstate): seasonal
// indices from a classical decomposition of the first three seasons (a
// regression on a trend and one Fourier pair when the series is shorter),
// then the level, and the trend, from a regression on the first
// max(10, 2m) seasonally adjusted values.
func (f form) heuristicState(y []float64) state {
	st := newState(f.m)
	maxn := min(max(10, 2*f.m), len(y))
	adjusted := y[:maxn]
	if f.seasonal() {
		adjusted = make([]float64, maxn)
		f.initialSeason(y, st.season, adjusted)
	}
	if !f.trend() {
		st.level = sum(adjusted[:maxn]) / float64(maxn)
		return st
	}
	st.level, st.trend = lineFit(adjusted[:maxn])
	if math.Abs(st.level+st.trend) < 1e-8 {
		st.level *= 1 + 1e-3
		st.trend *= 1 - 1e-3
	}
	return st
}

// initialSeason sets the normalised initial seasonal states and writes the
// first len(adjusted) seasonally adjusted values into adjusted.
func (f form) initialSeason(y, season, adjusted []float64) {
	mult := f.Season == Multiplicative
	seasonal := f.seasonalPart(y, mult) // seasonal[t], recycled with period len
	for t, v := range y[:len(adjusted)] {
		s := seasonal[t%len(seasonal)]
		if mult {
			adjusted[t] = v / math.Max(s, 0.01)
		} else {
			adjusted[t] = v - s
		}
	}
	copy(season, seasonal[:f.m])
	f.normaliseSeason(season)
}

// seasonalPart is R's y.d$seasonal: the decomposition's seasonal figure
// over the first 3m values, or, for shorter series, the data with a fitted
// line (and one Fourier pair) removed, as R does.
func (f form) seasonalPart(y []float64, mult bool) []float64 {
	if len(y) >= 3*f.m {
		return expsmooth.SeasonalFigure(y[:3*f.m], f.m, mult)
	}
	a, b := fourierTrend(y, f.m)
	out := make([]float64, len(y))
	for t, v := range y {
		line := a + b*float64(t+1)
		if mult {
			out[t] = v / line
		} else {
			out[t] = v - line
		}
	}
	return out
}

// normaliseSeason applies R's constraints on the initial seasonal states:
// multiplicative indices at least 0.01 and scaled down when they sum to
// more than m, and the index of the first observation set so that the
// indices sum to 0 (additive) or m (multiplicative).
func (f form) normaliseSeason(season []float64) {
	rest := season[1:]
	if f.Season == Multiplicative {
		for k := range rest {
			rest[k] = math.Max(rest[k], 0.01)
		}
		if s := sum(rest); s > float64(f.m) {
			scale := s + 0.01*float64(len(rest))
			for k := range rest {
				rest[k] /= scale
			}
		}
	}
	season[0] = f.seasonTarget() - sum(rest)
}

// lineFit regresses v on t = 1..n and returns the intercept (the value at
// t = 0) and the slope.
func lineFit(v []float64) (intercept, slope float64) {
	var sx, sy, sxx, sxy float64
	for t, yv := range v {
		x := float64(t + 1)
		sx += x
		sy += yv
		sxx += x * x
		sxy += x * yv
	}
	n := float64(len(v))
	den := n*sxx - sx*sx
	if den == 0 {
		return sy / n, 0
	}
	slope = (n*sxy - sx*sy) / den
	return (sy - slope*sx) / n, slope
}

// fourierTrend regresses y on 1, t, sin(2πt/m) and cos(2πt/m) (t = 1..n;
// the sine is dropped for m = 2, where it vanishes) and returns the
// intercept and slope.
func fourierTrend(y []float64, m int) (a, b float64) {
	cols := 4
	if m == 2 {
		cols = 3
	}
	x := mat.NewDense(len(y), cols, nil)
	for t := range y {
		w := 2 * math.Pi * float64(t+1) / float64(m)
		x.Set(t, 0, 1)
		x.Set(t, 1, float64(t+1))
		x.Set(t, 2, math.Cos(w))
		if cols == 4 {
			x.Set(t, 3, math.Sin(w))
		}
	}
	var beta mat.VecDense
	if err := beta.SolveVec(x, mat.NewVecDense(len(y), append([]float64(nil), y...))); err != nil {
		return lineFit(y)
	}
	return beta.AtVec(0), beta.AtVec(1)
}
