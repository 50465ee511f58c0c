package theta

import (
	"math"
	"testing"
)

// TestOptimizedReducesToTheta pins theta at 2 and alpha and the initial
// level at the standard Theta's. Both variants must then give thetaf's
// forecasts up to one term: Fiorucci et al. index the trend line from the
// origin of the initial level, Hyndman and Billah (thetaf) one period
// later, and the forecasts differ by ½(1−α)^n·(A_n+B_n), times the
// seasonal index. Everything else must agree to rounding.
func TestOptimizedReducesToTheta(t *testing.T) {
	tests := []struct {
		name   string
		season int
		y      []float64
	}{
		{"weekly pattern", 7, series(140, true, 1)},
		{"trend, season 1", 1, series(60, false, 2)},
		{"level noise", 1, noiseSeries(80, 3)},
		{"short seasonal", 4, series(24, true, 4)},
	}
	for _, tt := range tests {
		for _, dynamic := range []bool{false, true} {
			m := Optimized{season: tt.season, dynamic: dynamic}
			t.Run(tt.name+"/"+m.Name(), func(t *testing.T) { checkReduction(t, m, tt.y) })
		}
	}
}

func checkReduction(t *testing.T, m Optimized, y []float64) {
	const h = 10
	fit, err := Theta{season: m.season}.Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	std := fit.(*Fitted)
	p := optParams{level0: std.ses.InSample()[0], alpha: std.alpha, u: 0.5}
	otm, err := m.fixed(y, p)
	if err != nil {
		t.Fatal(err)
	}
	if otm.Theta() != 2 || otm.Seasonal() != std.Seasonal() {
		t.Fatalf("theta %v seasonal %v, want 2 and %v", otm.Theta(), otm.Seasonal(), std.Seasonal())
	}
	want, _ := std.Forecast(h, nil)
	got, _ := otm.Forecast(h, nil)
	n := float64(len(y))
	offset := 0.5 * math.Pow(1-p.alpha, n) * (otm.rec.an + otm.rec.bn)
	for i := range h {
		w := want.Mean[i] + offset*otm.seasonal(len(y)+i)
		if math.Abs(got.Mean[i]-w) > 1e-9*math.Max(1, math.Abs(w)) {
			t.Errorf("step %d: %.12g, want thetaf's %.12g", i+1, got.Mean[i], w)
		}
	}
}

// TestOptimizedNestsTheta: theta = 2 with thetaf's alpha and level is in
// the search space, so the optimised fit may not have a larger in-sample
// MSE on the deseasonalised data.
func TestOptimizedNestsTheta(t *testing.T) {
	for _, y := range [][]float64{series(140, true, 5), series(90, false, 6), noiseSeries(70, 7)} {
		for _, dynamic := range []bool{false, true} {
			m := Optimized{season: 7, dynamic: dynamic}
			fit, err := m.Fit(y)
			if err != nil {
				t.Fatal(err)
			}
			std, _ := Theta{season: 7}.Fit(y)
			p := optParams{level0: std.(*Fitted).ses.InSample()[0], alpha: std.(*Fitted).alpha, u: 0.5}
			pinned, err := m.fixed(y, p)
			if err != nil {
				t.Fatal(err)
			}
			opt := fit.(*OptimizedFitted)
			if opt.sigma2 > pinned.sigma2*(1+1e-9) {
				t.Errorf("%s: optimised σ² %.6g above theta = 2's %.6g", m.Name(), opt.sigma2, pinned.sigma2)
			}
		}
	}
}

func series(n int, weekly bool, seed uint64) []float64 {
	y := noiseSeries(n, seed)
	for t := range y {
		season := 1.0
		if weekly {
			season += 0.4 * math.Sin(2*math.Pi*float64(t)/7)
		}
		y[t] = (100 + 0.5*float64(t) + (y[t]-100)/2) * season
	}
	return y
}

// noiseSeries is 100 plus uniform noise from a seeded linear congruential
// generator, so that the internal tests need no shared helpers.
func noiseSeries(n int, seed uint64) []float64 {
	y := make([]float64, n)
	state := seed*2862933555777941757 + 3037000493
	for t := range y {
		state = state*6364136223846793005 + 1442695040888963407
		y[t] = 100 + 20*(float64(state>>11)/(1<<53)-0.5)
	}
	return y
}
