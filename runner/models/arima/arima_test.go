package arima_test

import (
	"errors"
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/arima"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

func TestConformance(t *testing.T) {
	for _, m := range []models.Model{
		arima.Auto(1),
		arima.Auto(12),
		arima.New(arima.Order{P: 1, D: 1, Q: 1}, arima.Seasonal{}, 1, true),
		arima.New(arima.Order{P: 0, D: 1, Q: 1}, arima.Seasonal{D: 1, Q: 1}, 12, false),
		arima.New(arima.Order{P: 2, Q: 1}, arima.Seasonal{P: 1}, 12, true),
	} {
		t.Run(m.Name(), func(t *testing.T) { modeltest.Run(t, m) })
	}
}

func TestTooShort(t *testing.T) {
	cases := []struct {
		name string
		m    models.Model
		n    int
	}{
		{"auto", arima.Auto(12), 3},
		{"fixed", arima.New(arima.Order{P: 1, D: 1, Q: 1}, arima.Seasonal{D: 1, Q: 1}, 12, false), 15},
		{"fixed empty", arima.New(arima.Order{P: 1}, arima.Seasonal{}, 1, true), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.m.Fit(make([]float64, c.n))
			if !errors.Is(err, models.ErrTooShort) {
				t.Fatalf("Fit on %d observations: error %v, want ErrTooShort", c.n, err)
			}
		})
	}
}

func TestConstantSeries(t *testing.T) {
	y := make([]float64, 60)
	for i := range y {
		y[i] = 42
	}
	fit, err := arima.Auto(12).Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := fit.Forecast(5, []float64{95})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range fc.Mean {
		if v != 42 || fc.Intervals[0].Lower[i] != 42 || fc.Intervals[0].Upper[i] != 42 {
			t.Fatalf("step %d: %v [%v, %v], want 42 exactly", i+1, v, fc.Intervals[0].Lower[i], fc.Intervals[0].Upper[i])
		}
	}
	if got := fit.(*arima.Fitted).Order(); got != "ARIMA(0,0,0) with non-zero mean" {
		t.Errorf("order %q", got)
	}
}

// TestLinearTrend: differenced once, the data are constant, and auto.arima
// answers with a random walk with the slope as drift.
func TestLinearTrend(t *testing.T) {
	y := make([]float64, 40)
	for i := range y {
		y[i] = 3 + 2*float64(i)
	}
	fit, err := arima.Auto(1).Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	f := fit.(*arima.Fitted)
	if f.Order() != "ARIMA(0,1,0) with drift" || f.Coefficients()[0].Value != 2 {
		t.Fatalf("%s %v, want a random walk with drift 2", f.Order(), f.Coefficients())
	}
	fc, _ := fit.Forecast(3, nil)
	for i, v := range fc.Mean {
		if want := 3 + 2*float64(40+i); math.Abs(v-want) > 1e-9 {
			t.Errorf("step %d: %v, want %v", i+1, v, want)
		}
	}
}

// TestRefit: refitting on the same history reproduces the fit exactly,
// and on a longer history keeps the coefficients and moves the forecasts.
func TestRefit(t *testing.T) {
	y := dailySeries(400)
	fit, err := arima.Auto(7).Fit(y[:300])
	if err != nil {
		t.Fatal(err)
	}
	same, err := fit.(models.Refitter).Refit(y[:300])
	if err != nil {
		t.Fatal(err)
	}
	a, _ := fit.Forecast(14, []float64{80})
	b, _ := same.Forecast(14, []float64{80})
	for i := range a.Mean {
		if a.Mean[i] != b.Mean[i] || a.Intervals[0].Upper[i] != b.Intervals[0].Upper[i] {
			t.Fatalf("step %d: refit on the same data forecasts %v, fit %v", i+1, b.Mean[i], a.Mean[i])
		}
	}
	longer, err := fit.(models.Refitter).Refit(y)
	if err != nil {
		t.Fatal(err)
	}
	f, l := fit.(*arima.Fitted), longer.(*arima.Fitted)
	if f.Order() != l.Order() {
		t.Fatalf("refit changed the orders: %s to %s", f.Order(), l.Order())
	}
	for i, c := range f.Coefficients() {
		if l.Coefficients()[i] != c {
			t.Fatalf("refit changed %s from %v to %v", c.Name, c.Value, l.Coefficients()[i].Value)
		}
	}
	if got := len(longer.InSample()); got != len(y) {
		t.Fatalf("len(InSample()) = %d after refit on %d", got, len(y))
	}
	c, _ := longer.Forecast(14, nil)
	if c.Mean[0] == a.Mean[0] {
		t.Errorf("refit on a longer history did not move the forecast")
	}
	if _, err := fit.(models.Refitter).Refit(y[:5]); !errors.Is(err, models.ErrTooShort) {
		t.Errorf("refit on 5 observations: %v, want ErrTooShort", err)
	}
}

// TestSeasonLongerThanData: with fewer than two seasons of data auto.arima
// takes no seasonal difference and no seasonal terms.
func TestSeasonLongerThanData(t *testing.T) {
	y := dailySeries(80)
	fit, err := arima.Auto(52).Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	_, s, _, _ := fit.(*arima.Fitted).Orders()
	if s != (arima.Seasonal{}) {
		t.Fatalf("seasonal part %+v on 80 observations at season 52", s)
	}
}

func TestFixedOrderAccessors(t *testing.T) {
	fit, err := arima.New(arima.Order{P: 1, D: 1}, arima.Seasonal{}, 1, true).Fit(dailySeries(200))
	if err != nil {
		t.Fatal(err)
	}
	f := fit.(*arima.Fitted)
	names := []string{}
	for _, c := range f.Coefficients() {
		names = append(names, c.Name)
	}
	if f.Order() != "ARIMA(1,1,0) with drift" || len(names) != 2 || names[0] != "ar1" || names[1] != "drift" {
		t.Fatalf("%s %v", f.Order(), names)
	}
	if !(f.Sigma2() > 0) || math.IsNaN(f.AICc()) || math.IsNaN(f.LogLik()) {
		t.Fatalf("sigma2 %v AICc %v loglik %v", f.Sigma2(), f.AICc(), f.LogLik())
	}
	in := fit.InSample()
	if !math.IsNaN(in[0]) || math.IsNaN(in[1]) {
		t.Fatalf("in-sample %v %v: want NaN only where differencing consumed the data", in[0], in[1])
	}
}

func TestKPSSDecisions(t *testing.T) {
	trend := make([]float64, 200)
	noise := dailySeries(200)
	for i := range trend {
		trend[i] = float64(i) + noise[i]/10
	}
	cases := []struct {
		name string
		y    []float64
		want int
	}{
		{"white noise around a level", noise[:7*20], 0},
		{"linear trend", trend, 1},
	}
	for _, c := range cases {
		if got := arima.NDiffs(c.y, 2); got != c.want {
			t.Errorf("%s: ndiffs %d, want %d (KPSS %.3f)", c.name, got, c.want, arima.KPSS(c.y, arima.KPSSLags(len(c.y))))
		}
	}
}

// TestShortAndOddSeries fits many short, intermittent and trending
// series at several seasons: every fit must succeed or fail with a models
// error, and every forecast must be finite.
func TestShortAndOddSeries(t *testing.T) {
	for n := 4; n <= 60; n += 7 {
		for _, m := range []int{1, 4, 7, 12} {
			for seed := range uint64(3) {
				y := modeltest.Intermittent(n, 0.4, seed)
				if seed == 2 {
					for i := range y {
						y[i] += float64(i)
					}
				}
				fit, err := arima.Auto(m).Fit(y)
				if err != nil {
					if !errors.Is(err, models.ErrTooShort) && !errors.Is(err, models.ErrNotConverged) {
						t.Fatalf("n=%d m=%d seed=%d: %v", n, m, seed, err)
					}
					continue
				}
				fc, err := fit.Forecast(m+2, []float64{80, 95})
				if err != nil {
					t.Fatalf("n=%d m=%d seed=%d: %v", n, m, seed, err)
				}
				for i, v := range fc.Mean {
					if math.IsNaN(v) || math.IsInf(v, 0) || math.IsNaN(fc.Intervals[1].Upper[i]) {
						t.Fatalf("n=%d m=%d seed=%d (%s): step %d forecast %v", n, m, seed, fit.(*arima.Fitted).Order(), i+1, v)
					}
				}
			}
		}
	}
}

// TestAutoTruncate: truncation only applies to the approximate search of
// long series; the fitted model still covers the whole history.
func TestAutoTruncate(t *testing.T) {
	short := dailySeries(120)
	a, err := arima.Auto(7).Fit(short)
	if err != nil {
		t.Fatal(err)
	}
	b, err := arima.AutoWith(7, arima.AutoOptions{Truncate: 50}).Fit(short)
	if err != nil {
		t.Fatal(err)
	}
	if a.(*arima.Fitted).Order() != b.(*arima.Fitted).Order() || a.(*arima.Fitted).AICc() != b.(*arima.Fitted).AICc() {
		t.Errorf("truncation changed an exact search: %s then %s", a.(*arima.Fitted).Order(), b.(*arima.Fitted).Order())
	}
	long := dailySeries(730)
	fit, err := arima.AutoWith(7, arima.AutoOptions{Truncate: 200}).Fit(long)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(fit.InSample()); got != len(long) {
		t.Fatalf("len(InSample()) = %d, want %d", got, len(long))
	}
	fc, err := fit.Forecast(28, []float64{80, 95})
	if err != nil || len(fc.Mean) != 28 {
		t.Fatalf("forecast: %v", err)
	}
}
