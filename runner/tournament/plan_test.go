package tournament

import (
	"testing"

	"github.com/forecastrun/forecastrun/runner/metrics"
)

func TestPlanBacktest(t *testing.T) {
	tests := []struct {
		name                      string
		n, horizon, windows, step int
		season                    int
		want                      plan
		wantOK                    bool
	}{
		{"room for all windows", 100, 10, 3, 10, 1, plan{windows: 3, horizon: 10, step: 10, first: 70}, true},
		{"overlapping step", 100, 10, 3, 5, 7, plan{windows: 3, horizon: 10, step: 5, first: 80}, true},
		// 39-36 = 3 < 13, 39-24 = 15 >= 13
		{"carparts loses a window", 39, 12, 3, 12, 12, plan{windows: 2, horizon: 12, step: 12, first: 15}, true},
		// 20-14 = 6 < 8: horizon shrinks to 20-8 = 12
		{"horizon shrinks", 20, 14, 3, 14, 1, plan{windows: 1, horizon: 12, step: 14, first: 8}, true},
		// 6-8 < 1, so train on 2 and test on 4
		{"absolute minimum", 6, 14, 3, 14, 1, plan{windows: 1, horizon: 4, step: 14, first: 2}, true},
		{"too short", 2, 14, 3, 14, 1, plan{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := planBacktest(tt.n, tt.horizon, tt.windows, tt.step, tt.season)
			if ok != tt.wantOK || got != tt.want {
				t.Fatalf("planBacktest = %+v, %v; want %+v, %v", got, ok, tt.want, tt.wantOK)
			}
			if ok && got.origin(got.windows-1)+got.horizon != tt.n {
				t.Errorf("last window ends at %d, want %d", got.origin(got.windows-1)+got.horizon, tt.n)
			}
		})
	}
}

// Each window's scale comes from the history it saw: changing later values
// leaves an earlier window's scale alone, and a window that saw only a
// constant history borrows the latest window's.
func TestWindowScales(t *testing.T) {
	p := plan{windows: 2, horizon: 2, step: 2, first: 4}
	y := []float64{1, 1, 1, 1, 5, 1, 9, 9}
	scales := windowScales(y, p, 1, nil)
	// Window 0 saw 1,1,1,1 (scale 0): it borrows window 1's, which saw
	// 1,1,1,1,5,1: naive errors 0,0,0,4,4.
	want := metrics.Scale{MAE: 8.0 / 5, MSE: 32.0 / 5}
	if scales[0] != want || scales[1] != want {
		t.Errorf("scales %+v, want both %+v", scales, want)
	}
	z := []float64{1, 2, 1, 2, 100, 100, 100, 100}
	a := windowScales(z, p, 1, nil)[0]
	z[4], z[5] = -50, 7
	if b := windowScales(z, p, 1, nil)[0]; a != b || a.MAE != 1 {
		t.Errorf("window 0's scale %+v changed to %+v with data it did not see", a, b)
	}
}

func TestShortFirstWindow(t *testing.T) {
	// carparts: 39 months, horizon 12, two windows from 15 months.
	if p, _ := planBacktest(39, 12, 3, 12, 12); !shortFirstWindow(p, 12) {
		t.Errorf("plan %+v on 39 months: want every window estimated afresh", p)
	}
	if p, _ := planBacktest(730, 28, 3, 28, 7); shortFirstWindow(p, 7) {
		t.Errorf("plan %+v on two years of days: want the first window's estimates reused", p)
	}
}
