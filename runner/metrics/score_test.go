package metrics

import (
	"math"
	"testing"
)

var nan = math.NaN()

func TestNaiveScale(t *testing.T) {
	tests := []struct {
		name    string
		history []float64
		season  int
		want    Scale
	}{
		// diffs 1, 2, 3
		{"naive", []float64{1, 2, 4, 7}, 1, Scale{MAE: 2, MSE: 14.0 / 3}},
		// diffs 4-1=3, 7-2=5
		{"seasonal", []float64{1, 2, 4, 7}, 2, Scale{MAE: 4, MSE: 17}},
		{"season 0 means naive", []float64{1, 2, 4, 7}, 0, Scale{MAE: 2, MSE: 14.0 / 3}},
		{"season too long falls back to naive", []float64{1, 2, 4, 7}, 4, Scale{MAE: 2, MSE: 14.0 / 3}},
		// pairs (1,2) and (4,7) only: diffs 1, 3
		{"NaN pairs ignored", []float64{1, 2, nan, 4, 7}, 1, Scale{MAE: 2, MSE: 5}},
		{"constant", []float64{3, 3, 3}, 1, Scale{}},
		{"single value", []float64{3}, 1, Scale{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NaiveScale(tt.history, tt.season)
			if !close(got.MAE, tt.want.MAE) || !close(got.MSE, tt.want.MSE) {
				t.Errorf("NaiveScale = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestScore(t *testing.T) {
	// errors -1 and 3: MAE 2, MSE 5; history scale (season 1) MAE 2, MSE 14/3.
	history := []float64{1, 2, 4, 7}
	actual := []float64{2, 4}
	forecast := []float64{3, 1}
	inf := math.Inf(1)
	tests := []struct {
		name             string
		metric           Metric
		actual, forecast []float64
		history          []float64
		want             float64
	}{
		{"MAE", MAE, actual, forecast, history, 2},
		{"RMSE", RMSE, actual, forecast, history, math.Sqrt(5)},
		{"MASE", MASE, actual, forecast, history, 1},
		{"RMSSE", RMSSE, actual, forecast, history, math.Sqrt(15.0 / 14)},
		// 200·1/(2+3) = 40 and 200·3/(4+1) = 120
		{"sMAPE", SMAPE, actual, forecast, history, 80},
		// (1+3)/(2+4)
		{"WAPE", WAPE, actual, forecast, history, 100 * 4.0 / 6},
		{"missing actual ignored", MAE, []float64{2, nan, 4}, []float64{3, 100, 1}, history, 2},
		{"missing actual ignored in sMAPE", SMAPE, []float64{2, nan, 4}, []float64{3, 100, 1}, history, 80},
		{"nothing observed", MASE, []float64{nan, nan}, []float64{1, 1}, history, nan},
		{"sMAPE zero over zero is exact", SMAPE, []float64{0, 2}, []float64{0, 2}, history, 0},
		{"sMAPE zero actual", SMAPE, []float64{0}, []float64{5}, history, 200},
		{"WAPE all-zero actuals, exact", WAPE, []float64{0, 0}, []float64{0, 0}, history, 0},
		{"WAPE all-zero actuals, wrong", WAPE, []float64{0, 0}, []float64{0, 1}, history, inf},
		{"MASE constant history, exact", MASE, []float64{3, 3}, []float64{3, 3}, []float64{3, 3, 3}, 0},
		{"MASE constant history, wrong", MASE, []float64{3, 4}, []float64{3, 3}, []float64{3, 3, 3}, inf},
		{"RMSSE constant history, wrong", RMSSE, []float64{3, 4}, []float64{3, 3}, []float64{3, 3, 3}, inf},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(tt.metric, tt.actual, tt.forecast, tt.history, 1)
			if !close(got, tt.want) {
				t.Errorf("%s = %v, want %v", tt.metric, got, tt.want)
			}
		})
	}
}

func TestSeasonalMASE(t *testing.T) {
	// Seasonal scale with m=2 is MAE 4 (see TestNaiveScale); errors 4 and 4.
	got := Evaluate(MASE, []float64{10, 10}, []float64{6, 14}, []float64{1, 2, 4, 7}, 2)
	if !close(got, 1) {
		t.Errorf("seasonal MASE = %v, want 1", got)
	}
}

func TestScoreLengthMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Score with mismatched lengths did not panic")
		}
	}()
	MAE.Score([]float64{1, 2}, []float64{1}, Scale{})
}

func close(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	if math.IsInf(want, 0) {
		return got == want
	}
	return math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want))
}

func BenchmarkScore(b *testing.B) {
	for _, h := range []int{7, 28, 365} {
		actual := make([]float64, h)
		forecast := make([]float64, h)
		for i := range actual {
			actual[i] = float64(i % 7)
			forecast[i] = 3
		}
		scale := Scale{MAE: 1.5, MSE: 3}
		for _, m := range []Metric{MASE, SMAPE, RMSSE} {
			b.Run(string(m)+"/h="+itoa(h), func(b *testing.B) {
				for b.Loop() {
					m.Score(actual, forecast, scale)
				}
			})
		}
	}
}

func BenchmarkNaiveScale(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		history := make([]float64, n)
		for i := range history {
			history[i] = float64(i % 7)
		}
		b.Run("n="+itoa(n), func(b *testing.B) {
			for b.Loop() {
				NaiveScale(history, 7)
			}
		})
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func TestBias(t *testing.T) {
	scale := Scale{MAE: 2, MSE: 4}
	tests := []struct {
		name             string
		actual, forecast []float64
		scale            Scale
		want             float64
	}{
		{"too high", []float64{1, 3}, []float64{3, 5}, scale, 1},
		{"too low", []float64{4, 4}, []float64{2, 3}, scale, -0.75},
		{"errors cancel", []float64{1, 3}, []float64{3, 1}, scale, 0},
		{"missing actual skipped", []float64{math.NaN(), 2}, []float64{100, 6}, scale, 2},
		{"nothing observed", []float64{math.NaN()}, []float64{1}, scale, math.NaN()},
		{"zero scale, exact", []float64{5, 5}, []float64{5, 5}, Scale{}, 0},
		{"zero scale, too low", []float64{5, 5}, []float64{4, 5}, Scale{}, math.Inf(-1)},
	}
	for _, tt := range tests {
		got := Bias(tt.actual, tt.forecast, tt.scale)
		if !(got == tt.want || math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("%s: Bias = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestMSIS(t *testing.T) {
	lower, upper := []float64{8, 8, 8}, []float64{12, 12, 12}
	scale := Scale{MAE: 2}
	tests := []struct {
		name   string
		actual []float64
		want   float64
	}{
		// Width 4 each; at 95% a miss costs 40 times its size.
		{"all inside", []float64{9, 10, 12}, 4.0 / 2},
		{"one below by 1, one above by 0.5", []float64{7, 10, 12.5}, (4 + 4 + 40 + 4 + 20) / 3.0 / 2},
		{"missing actuals skipped", []float64{nan, 10, nan}, 4.0 / 2},
		{"nothing observed", []float64{nan, nan, nan}, nan},
	}
	for _, tt := range tests {
		got := MSIS(tt.actual, lower, upper, 95, scale)
		if !(math.Abs(got-tt.want) < 1e-12 || math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("%s: MSIS = %v, want %v", tt.name, got, tt.want)
		}
	}
}
