package etsmoments

import (
	"math"
	"testing"
)

func closeTo(got, want float64) bool {
	return math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want))
}

func checkAll(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !closeTo(got[i], want[i]) {
			t.Errorf("%s step %d: %v, want %v", what, i+1, got[i], want[i])
		}
	}
}

func TestDampedSums(t *testing.T) {
	checkAll(t, "phi 1", DampedSums(1, 3), []float64{1, 2, 3})
	checkAll(t, "phi 0.5", DampedSums(0.5, 3), []float64{0.5, 0.75, 0.875})
}

// seasonal has four seasonal states after n = 6 observations: step 1 falls
// on position 6 mod 4 = 2.
func seasonal(s Season, seas []float64) Origin {
	return Origin{Params: Params{Alpha: 0.3, Beta: 0.1, Gamma: 0.2, Phi: 0.5}, Trend: true, Season: s,
		M: 4, N: 6, Level: 10, Slope: 2, Seasonal: seas, Sigma2: 0.01}
}

func TestPointForecast(t *testing.T) {
	cases := []struct {
		name string
		o    Origin
		want []float64
	}{
		{"level only", Origin{Params: Params{Phi: 1}, Level: 5}, []float64{5, 5, 5}},
		{"linear trend", Origin{Params: Params{Phi: 1}, Trend: true, Level: 5, Slope: 2}, []float64{7, 9, 11}},
		{"damped trend", Origin{Params: Params{Phi: 0.5}, Trend: true, Level: 5, Slope: 2}, []float64{6, 6.5, 6.75}},
		{"additive season", seasonal(Additive, []float64{1, 2, 3, 4}), []float64{11 + 3, 11.5 + 4, 11.75 + 1}},
		{"multiplicative season", seasonal(Multiplicative, []float64{1, 2, 3, 4}), []float64{11 * 3, 11.5 * 4, 11.75 * 1}},
	}
	for _, c := range cases {
		checkAll(t, c.name, c.o.PointForecast(len(c.want)), c.want)
	}
}

// TestClass1 checks the variances against table 6.1 of Hyndman et al.:
// σ²(1 + (h−1)α²) for SES, and the seasonal error weight entering at lag M.
func TestClass1(t *testing.T) {
	ses := Origin{Params: Params{Alpha: 0.4, Phi: 1}, Sigma2: 2}
	checkAll(t, "SES", ses.Class1(3), []float64{2, 2 * (1 + 0.16), 2 * (1 + 2*0.16)})
	o := Origin{Params: Params{Alpha: 0.4, Gamma: 0.3, Phi: 1}, Season: Additive, M: 2, Seasonal: []float64{0, 0}, Sigma2: 1}
	checkAll(t, "seasonal weights", o.ErrorWeights(4), []float64{0.4, 0.7, 0.4, 0.7})
	checkAll(t, "seasonal", o.Class1(3), []float64{1, 1.16, 1.65})
}

// TestClass2 checks the first two steps of θ: the variance of step 1 is
// σ²μ₁², of step 2 (1+σ²)(μ₂² + σ²c₁²μ₁²) − μ₂².
func TestClass2(t *testing.T) {
	o := Origin{Params: Params{Alpha: 0.4, Beta: 0.1, Phi: 1}, Trend: true, Level: 10, Slope: 1, Sigma2: 0.01}
	mean, variance := o.Class2(2)
	c1 := 0.4 + 0.1
	checkAll(t, "mean", mean, []float64{11, 12})
	checkAll(t, "variance", variance, []float64{0.01 * 121, 1.01*(144+0.01*c1*c1*121) - 144})
}

// TestClass3 checks that without noise the class-3 means are the point
// forecasts (damped or not, with or without trend) and the variances 0,
// and that the first step's variance is σ²μ₁², the relative error's.
func TestClass3(t *testing.T) {
	for _, trend := range []bool{false, true} {
		for _, phi := range []float64{1, 0.8} {
			o := seasonal(Multiplicative, []float64{0.8, 1.1, 1.3, 0.8})
			o.Trend, o.Phi = trend, phi
			if !trend {
				o.Beta, o.Slope, o.Phi = 0, 0, 1
			}
			o.Sigma2 = 0
			mean, variance := o.Class3(9)
			checkAll(t, "noiseless mean", mean, o.PointForecast(9))
			checkAll(t, "noiseless variance", variance, make([]float64, 9))
			o.Sigma2 = 0.02
			mean, variance = o.Class3(1)
			checkAll(t, "first step", variance, []float64{0.02 * mean[0] * mean[0]})
		}
	}
}

// TestClass3Mean: the means alone are Class3's means, bit for bit, with
// noise (where they differ from the point forecasts), trend and damping.
func TestClass3Mean(t *testing.T) {
	for _, trend := range []bool{false, true} {
		for _, phi := range []float64{1, 0.8} {
			o := seasonal(Multiplicative, []float64{0.8, 1.1, 1.3, 0.8})
			o.Trend, o.Phi, o.Sigma2 = trend, phi, 0.05
			if !trend {
				o.Beta, o.Slope, o.Phi = 0, 0, 1
			}
			want, _ := o.Class3(11)
			got := o.Class3Mean(11)
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("trend %v, phi %v, step %d: mean %v, Class3 %v", trend, phi, i+1, got[i], want[i])
				}
			}
			if point := o.PointForecast(11); got[10] == point[10] {
				t.Errorf("trend %v, phi %v: the noisy mean equals the point forecast; the test needs the class-3 correction", trend, phi)
			}
		}
	}
}
