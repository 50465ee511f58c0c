package tournament

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/sample"
)

func TestNonDecreasing(t *testing.T) {
	tests := []struct {
		in, want []float64
	}{
		{[]float64{1, 2, 3}, []float64{1, 2, 3}},
		{[]float64{3, 1, 2}, []float64{2, 2, 2}},
		{[]float64{1, 4, 2, 5}, []float64{1, 3, 3, 5}},
		{[]float64{}, []float64{}},
	}
	for _, tt := range tests {
		got := append([]float64(nil), tt.in...)
		nonDecreasing(got)
		for i := range got {
			if math.Abs(got[i]-tt.want[i]) > 1e-12 {
				t.Errorf("nonDecreasing(%v) = %v, want %v", tt.in, got, tt.want)
				break
			}
		}
	}
}

// Two windows of two steps: window 0 errs 1 and 3 (forecast − actual),
// window 1 errs -2 and NaN. With a prior of mean square 4 over 10 errors,
// window 0's level comes from window 1 and the prior: √((4+40)/11) = 2,
// window 1's from window 0: √((1+9+40)/12).
func TestNewCalibration(t *testing.T) {
	nan := math.NaN()
	cal := newCalibration([]float64{1, 3, -2, nan}, 2, 4, true, sample.Lumpy)
	level1 := math.Sqrt(50.0 / 12)
	want := [][]float32{{float32(-1.0 / 2), float32(2 / level1)}, {float32(-3.0 / 2)}}
	if !reflect.DeepEqual(cal.Ratios, want) {
		t.Errorf("ratios %v, want %v", cal.Ratios, want)
	}
	if got, want := cal.Sigma, math.Sqrt((1+9+4+40)/13.0); math.Abs(got-want) > 1e-12 {
		t.Errorf("sigma %v, want %v", got, want)
	}
	if !cal.NonNegative || cal.Family != "lumpy" {
		t.Errorf("calibration %v", cal)
	}
}

// calibrated builds items with the given ratios at one step, all of one
// family, forecasting 10 with error level 2.
func calibrated(family string, nonNegative bool, ratios ...float32) []ItemResult {
	items := make([]ItemResult, len(ratios))
	for i, r := range ratios {
		items[i] = ItemResult{
			Forecast:    models.Forecast{Mean: []float64{10, 10}},
			Calibration: &Calibration{Ratios: [][]float32{{r}}, Sigma: 2, NonNegative: nonNegative, Family: family},
		}
	}
	return items
}

func TestCalibratePoolsTheFamily(t *testing.T) {
	// 1001 ratios -5, -4.99, ..., 5: the 10% and 90% quantiles are -4 and
	// 4, so the 80% interval is 10 ± 8 at step 1; step 2, beyond the
	// backtest, widens by √2. The 95% quantile is 4.5.
	ratios := make([]float32, 1001)
	for i := range ratios {
		ratios[i] = float32(i-500) / 100
	}
	items := calibrated("smooth", false, ratios...)
	calibrate(items, []float64{80}, []float64{0.95})
	it := items[0]
	iv := it.Forecast.Intervals[0]
	const tol = 1e-4
	if math.Abs(iv.Lower[0]-2) > tol || math.Abs(iv.Upper[0]-18) > tol {
		t.Errorf("step 1: [%v, %v], want [2, 18]", iv.Lower[0], iv.Upper[0])
	}
	if math.Abs(iv.Upper[1]-(10+8*math.Sqrt2)) > tol {
		t.Errorf("step 2 upper %v, want %v", iv.Upper[1], 10+8*math.Sqrt2)
	}
	if q := it.Quantiles[0]; q.Prob != 0.95 || math.Abs(q.Values[0]-19) > tol {
		t.Errorf("quantile %+v, want 19 at step 1", q)
	}
	if !it.Conformal {
		t.Error("not marked as calibrated")
	}
}

// Sparse demand errs a little below (the forecast exceeds a zero) and much
// above (a sale): the interval is asymmetric, and stops at zero.
func TestCalibrateAsymmetricNonNegative(t *testing.T) {
	var ratios []float32
	for i := range 1000 {
		r := float32(-2) // no sale: the actual falls 2 error levels below the forecast
		if i%5 == 0 {
			r = 20 // a sale
		}
		ratios = append(ratios, r)
	}
	items := calibrated("intermittent", true, ratios...)
	calibrate(items, []float64{95}, nil)
	iv := items[0].Forecast.Intervals[0]
	if iv.Lower[0] != 6 || iv.Upper[0] != 50 {
		t.Errorf("95%% interval [%v, %v], want [6, 50]", iv.Lower[0], iv.Upper[0])
	}
	items = calibrated("intermittent", true, -20, -20, -20, 0)
	calibrate(items, []float64{80}, nil)
	if lo := items[0].Forecast.Intervals[0].Lower[0]; lo != 0 {
		t.Errorf("lower bound %v of a non-negative item, want 0", lo)
	}
}

// A family with too few ratios borrows the other families'; a run with no
// ratios at all falls back to the normal distribution.
func TestCalibrateSmallFamilies(t *testing.T) {
	big := calibrated("smooth", false, slices.Repeat([]float32{-1, 1}, minCalibrationPool)...)
	small := calibrated("lumpy", false, 30, 30)
	items := append(big, small...)
	calibrate(items, []float64{80}, nil)
	if up := items[len(items)-1].Forecast.Intervals[0].Upper[0]; up != 12 {
		t.Errorf("small family's upper bound %v, want 12 from the pooled ±1 ratios", up)
	}
	alone := []ItemResult{{Forecast: models.Forecast{Mean: []float64{10}}, Calibration: &Calibration{Sigma: 1, Family: "smooth"}}}
	calibrate(alone, []float64{95}, nil)
	if iv := alone[0].Forecast.Intervals[0]; math.Abs(iv.Upper[0]-11.96) > 0.01 || math.Abs(iv.Lower[0]-8.04) > 0.01 {
		t.Errorf("interval without ratios [%v, %v], want 10 ± 1.96", iv.Lower[0], iv.Upper[0])
	}
}

func TestQuantileInterpolates(t *testing.T) {
	sorted := []float64{1, 2, 3, 4, 5}
	for p, want := range map[float64]float64{0: 1, 0.5: 3, 0.1: 1.4, 0.99: 4.96, 1: 5} {
		if got := quantile(sorted, p); math.Abs(got-want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", p, got, want)
		}
	}
	if !math.IsNaN(quantile(nil, 0.5)) {
		t.Error("quantile of nothing is not NaN")
	}
}

// widenByRadius is widen as it was first written, the specification the
// faster one must match: for r = 1, 2, … gather steps j-r..j+r afresh
// until they hold minCalibrationPool ratios or are every step, then sort.
func widenByRadius(steps [][]float64, j int) []float64 {
	if j < len(steps) && len(steps[j]) >= minCalibrationPool {
		return steps[j]
	}
	for r := 1; ; r++ {
		lo, hi := max(0, j-r), min(len(steps)-1, j+r)
		var out []float64
		for _, rs := range steps[lo : hi+1] {
			out = append(out, rs...)
		}
		if len(out) >= minCalibrationPool || (lo == 0 && hi == len(steps)-1) {
			slices.Sort(out)
			return out
		}
	}
}

// TestPoolAtMatchesWideningByRadius: the pools of every step, for a
// family alone (an item calibrated alone: fewer than minCalibrationPool
// ratios in all), a family that needs its neighbouring steps, one that
// needs the other families, and one with full steps, are those of
// gathering ring by ring afresh.
func TestPoolAtMatchesWideningByRadius(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ratios := func(steps, perStep int) [][]float64 {
		out := make([][]float64, steps)
		for j := range out {
			for range perStep {
				out[j] = append(out[j], math.Round(rng.NormFloat64()*4)/4) // ties included
			}
		}
		return out
	}
	tests := []struct {
		name     string
		family   [][]float64
		others   [][]float64
		wantFrom string // "family" or "all": whose pool step 0 must come from
	}{
		{"an item alone", ratios(48, 3), nil, "all"},
		{"a family widening over steps", ratios(12, 40), nil, "family"},
		{"a family borrowing the others", ratios(12, 5), ratios(12, 30), "all"},
		{"full steps", ratios(6, minCalibrationPool+1), ratios(6, 2), "family"},
		{"one step", ratios(1, 7), nil, "all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := make([][]float64, len(tt.family))
			for j := range all {
				all[j] = slices.Clone(tt.family[j])
				if j < len(tt.others) {
					all[j] = append(slices.Clone(tt.family[j]), tt.others[j]...)
				}
				slices.Sort(all[j])
				slices.Sort(tt.family[j])
			}
			p := &pools{byFamily: map[string][][]float64{"f": tt.family}, all: all}
			buf := []float64{}
			for j := range all {
				want := widenByRadius(tt.family, j)
				if len(want) < minCalibrationPool {
					want = widenByRadius(all, j)
				} else if j == 0 && tt.wantFrom != "family" {
					t.Fatalf("step 0 is served by the family: the case does not test borrowing")
				}
				if got := p.poolAt("f", j, &buf); !slices.Equal(got, want) {
					t.Fatalf("step %d: pool of %d ratios differs from widening by radius (%d)", j, len(got), len(want))
				}
			}
		})
	}
}
