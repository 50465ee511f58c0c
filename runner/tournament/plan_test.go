package tournament

import "testing"

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
