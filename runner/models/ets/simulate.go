package ets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/forecastrun/forecastrun/runner/models"
)

// Simulation settings: R's forecast.ets default of 5000 paths, from a
// fixed seed so that forecasts are reproducible.
const (
	simPaths = 5000
	simSeed  = 20080101
)

// simulatedForecast returns the point forecasts of ETS(A,·,M) with
// intervals from the quantiles of simulated future paths with normal errors
// of variance sigma2, as R's forecast.ets does for forms without analytic
// variances.
func (f *Fitted) simulatedForecast(h int, levels []float64) (models.Forecast, error) {
	for _, level := range levels {
		if !(level > 0 && level < 100) {
			return models.Forecast{}, fmt.Errorf("%s: interval level %v must be between 0 and 100 exclusive", f.form, level)
		}
	}
	mean := f.pointForecast(h)
	out := models.Forecast{Mean: mean}
	if len(levels) == 0 {
		return out, nil // backtests ask for means only: skip the simulation
	}
	paths := f.simulate(h)
	for _, level := range levels {
		iv := models.Interval{Level: level, Lower: make([]float64, h), Upper: make([]float64, h)}
		for i := range h {
			step := paths[i*simPaths : (i+1)*simPaths]
			// The clamps keep the mean inside the interval when the
			// simulated distribution is skewed around it.
			iv.Lower[i] = min(quantile(step, 0.5-level/200), mean[i])
			iv.Upper[i] = max(quantile(step, 0.5+level/200), mean[i])
		}
		out.Intervals = append(out.Intervals, iv)
	}
	return out, nil
}

// simulate returns simPaths sample paths, step-major and sorted per step.
func (f *Fitted) simulate(h int) []float64 {
	rng := rand.New(rand.NewPCG(simSeed, uint64(f.n)))
	sd := math.Sqrt(f.sigma2)
	paths := make([]float64, h*simPaths)
	st := newState(f.form.m)
	k := kernel{p: f.params}
	for path := range simPaths {
		st.copyFrom(&f.final)
		for i := range h {
			j := f.phase(i + 1)
			y := (st.level+f.params.Phi*st.trend)*st.season[j] + sd*rng.NormFloat64()
			paths[i*simPaths+path] = y
			k.stepSeasonMultiplicative(&st, j, y)
		}
	}
	for i := range h {
		slices.Sort(paths[i*simPaths : (i+1)*simPaths])
	}
	return paths
}

// stepSeasonMultiplicative updates the states with observation yt at
// seasonal position j (the multiplicative-season recursions).
func (k *kernel) stepSeasonMultiplicative(st *state, j int, yt float64) {
	p := k.p
	q, sj := st.level+p.Phi*st.trend, st.season[j]
	d := yt/sj - q
	st.season[j] = sj + p.Gamma*(yt/q-sj)
	st.level, st.trend = q+p.Alpha*d, p.Phi*st.trend+p.Beta*d
}

// quantile returns the p-quantile of sorted values by linear interpolation.
func quantile(sorted []float64, p float64) float64 {
	pos := p * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(i)
	return sorted[i] + frac*(sorted[i+1]-sorted[i])
}
