package theta_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
	"github.com/forecastrun/forecastrun/runner/models/theta"
)

var optimizedModels = []func(int) models.Model{theta.NewOptimized, theta.NewDynamicOptimized}

func TestOptimizedConformance(t *testing.T) {
	for _, build := range optimizedModels {
		for _, season := range []int{1, 12} {
			m := build(season)
			t.Run(fmt.Sprint(m.Name(), "/season=", season), func(t *testing.T) { modeltest.Run(t, m) })
		}
	}
}

func TestOptimizedNames(t *testing.T) {
	if a, b := theta.NewOptimized(7).Name(), theta.NewDynamicOptimized(7).Name(); a != "OptimizedTheta" || b != "DynamicOptimizedTheta" {
		t.Fatalf("names %q and %q", a, b)
	}
}

// TestOptimizedBeatsBruteForce checks the optimiser against an independent,
// deliberately plain re-computation of the method from Fiorucci et al.
// (2016): the MSE is recomputed from the paper's forecast equation with the
// trend line refitted by ordinary least squares at every origin, and
// minimised by brute force over a grid of theta and alpha, the initial level
// by golden section (the MSE is quadratic in it). R's forecTheta, the
// authors' implementation, is not packaged for Debian, so it could not serve
// as the reference. The optimiser's MSE must agree with the re-computation
// at its own parameters and be no worse than the grid's best.
func TestOptimizedBeatsBruteForce(t *testing.T) {
	goldens := loadGoldens(t)
	cases := map[string][]float64{"trend": series(120, false, 3), "noise": noise(90, 4)}
	for _, name := range []string{"WWWusage", "USAccDeaths", "AirPassengers"} {
		cases[name] = goldens[name].y
	}
	for name, y := range cases {
		for _, dynamic := range []bool{false, true} {
			m := theta.NewOptimized(1)
			if dynamic {
				m = theta.NewDynamicOptimized(1)
			}
			t.Run(name+"/"+m.Name(), func(t *testing.T) { checkBruteForce(t, m, y, dynamic) })
		}
	}
}

func checkBruteForce(t *testing.T, m models.Model, y []float64, dynamic bool) {
	fit, err := m.Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	f := fit.(*theta.OptimizedFitted)
	got := inSampleMSE(y, fit.InSample())
	b := newBrute(y, dynamic)
	if again := b.mse(f.InitialLevel(), f.Alpha(), f.Theta()); math.Abs(again-got) > 1e-9*got {
		t.Fatalf("MSE %.12g, re-computed at the same parameters %.12g", got, again)
	}
	best, at := b.gridMinimum()
	t.Logf("alpha %.4f theta %.3f MSE %.6g; grid best %.6g at %v", f.Alpha(), f.Theta(), got, best, at)
	if got > best*(1+1e-6) {
		t.Errorf("optimiser MSE %.8g worse than the brute-force grid's %.8g at %v", got, best, at)
	}
}

func inSampleMSE(y, fitted []float64) float64 {
	var s float64
	for i, v := range y {
		s += (v - fitted[i]) * (v - fitted[i])
	}
	return s / float64(len(y))
}

// brute recomputes the optimised theta method's one-step MSE straight from
// the paper's equations.
type brute struct {
	y    []float64
	a, b []float64 // the trend line used from each origin
}

func newBrute(y []float64, dynamic bool) brute {
	br := brute{y: y, a: make([]float64, len(y)), b: make([]float64, len(y))}
	for t := range y {
		switch {
		case !dynamic:
			br.a[t], br.b[t] = olsLine(y)
		case t > 0:
			br.a[t], br.b[t] = olsLine(y[:t])
		}
	}
	return br
}

// olsLine fits x_s = A + B·s for s = 1..len(x) by ordinary least squares.
func olsLine(x []float64) (a, b float64) {
	n := float64(len(x))
	var st, sx, stt, stx float64
	for i, v := range x {
		s := float64(i + 1)
		st, sx, stt, stx = st+s, sx+v, stt+s*s, stx+s*v
	}
	if len(x) > 1 {
		b = (n*stx - st*sx) / (n*stt - st*st)
	}
	return (sx - b*st) / n, b
}

func (br brute) mse(level0, alpha, th float64) float64 {
	level, sse := level0, 0.0
	for t, v := range br.y {
		fc := level + (1-1/th)*(math.Pow(1-alpha, float64(t))*br.a[t]+(1-math.Pow(1-alpha, float64(t+1)))/alpha*br.b[t])
		sse += (v - fc) * (v - fc)
		level = alpha*v + (1-alpha)*level
	}
	return sse / float64(len(br.y))
}

func (br brute) gridMinimum() (best float64, at [3]float64) {
	best = math.Inf(1)
	lo, hi := minMax(br.y)
	for _, th := range []float64{1, 1.25, 1.5, 2, 2.5, 3, 4, 6, 10, 30} {
		for alpha := 0.01; alpha < 1; alpha += 0.04 {
			l0 := goldenMin(func(l float64) float64 { return br.mse(l, alpha, th) }, 2*lo-hi, 2*hi-lo)
			if v := br.mse(l0, alpha, th); v < best {
				best, at = v, [3]float64{l0, alpha, th}
			}
		}
	}
	return best, at
}

func goldenMin(f func(float64) float64, lo, hi float64) float64 {
	g := (math.Sqrt(5) - 1) / 2
	for range 60 {
		c, d := hi-g*(hi-lo), lo+g*(hi-lo)
		if f(c) < f(d) {
			hi = d
		} else {
			lo = c
		}
	}
	return (lo + hi) / 2
}

func minMax(y []float64) (lo, hi float64) {
	lo, hi = y[0], y[0]
	for _, v := range y {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

func TestOptimizedRefit(t *testing.T) {
	y := series(200, true, 4)
	for _, build := range optimizedModels {
		m := build(7)
		t.Run(m.Name(), func(t *testing.T) {
			fit, err := m.Fit(y[:150])
			if err != nil {
				t.Fatal(err)
			}
			re, err := fit.(models.Refitter).Refit(y)
			if err != nil {
				t.Fatal(err)
			}
			a, b := fit.(*theta.OptimizedFitted), re.(*theta.OptimizedFitted)
			if a.Alpha() != b.Alpha() || a.Theta() != b.Theta() {
				t.Fatalf("refit changed alpha, theta from %v, %v to %v, %v", a.Alpha(), a.Theta(), b.Alpha(), b.Theta())
			}
			if len(re.InSample()) != len(y) {
				t.Fatalf("len(InSample()) = %d, want %d", len(re.InSample()), len(y))
			}
			if _, err := fit.(models.Refitter).Refit(y[:3]); !errors.Is(err, models.ErrTooShort) {
				t.Fatalf("refit on 3 points: %v, want ErrTooShort", err)
			}
		})
	}
}

// TestOptimizedFollowsTrend: on a noiseless line the fitted slope is the
// line's, so the best forecast extrapolates it in full and theta grows
// towards its upper bound, where plain Theta extrapolates half the slope.
func TestOptimizedFollowsTrend(t *testing.T) {
	y := make([]float64, 50)
	for i := range y {
		y[i] = 10 + 4*float64(i)
	}
	for _, build := range optimizedModels {
		fit, err := build(1).Fit(y)
		if err != nil {
			t.Fatal(err)
		}
		fc, _ := fit.Forecast(3, nil)
		for i, v := range fc.Mean {
			if want := 10 + 4*float64(50+i); math.Abs(v-want) > 0.05*4 {
				t.Errorf("%s step %d: %.3f, want about %v (theta %.1f)", build(1).Name(), i+1, v, want, fit.(*theta.OptimizedFitted).Theta())
			}
		}
	}
}

func BenchmarkOptimizedFitForecast(b *testing.B) {
	ms := []models.Model{theta.New(7), theta.NewOptimized(7), theta.NewDynamicOptimized(7)}
	modeltest.BenchmarkFitForecast(b, ms, []int{100, 730}, func(n int) []float64 { return series(n, true, 1) }, 14, []float64{80, 95})
}

func BenchmarkOptimizedRefit(b *testing.B) {
	ms := []models.Model{theta.New(7), theta.NewOptimized(7), theta.NewDynamicOptimized(7)}
	modeltest.BenchmarkRefit(b, ms, []int{100, 730}, func(n int) []float64 { return series(n, true, 1) })
}
