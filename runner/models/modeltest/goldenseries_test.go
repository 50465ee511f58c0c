package modeltest

import (
	"math"
	"testing"
)

func TestReadGoldenSeries(t *testing.T) {
	got := ReadGoldenSeries(t, "series.csv")
	if len(got) != 2 || got[0].Name != "b" || got[1].Name != "a" {
		t.Fatalf("series %+v, want b then a, in order of first appearance", got)
	}
	if got[0].Season != 4 || len(got[0].Values) != 2 || got[0].Values[0] != 3 || !math.IsNaN(got[0].Values[1]) {
		t.Errorf("b = %+v, want season 4, values 3, NaN", got[0])
	}
	if got[1].Season != 1 || len(got[1].Values) != 2 || got[1].Values[1] != 2 {
		t.Errorf("a = %+v, want season 1, values 1, 2", got[1])
	}
}

func TestReadGoldenForecasts(t *testing.T) {
	bySeries := ReadGoldenForecasts(t, "forecasts.csv", BySeries)
	if a := bySeries["a"]; len(bySeries) != 1 || len(a.Mean) != 3 || a.Hi95[2] != 3.75 {
		t.Errorf("by series: %+v", bySeries)
	}
	byModel := ReadGoldenForecasts(t, "forecasts.csv", func(r map[string]string) [2]string {
		return [2]string{r["series"], r["model"]}
	})
	x := byModel[[2]string{"a", "X"}]
	if len(byModel) != 2 || x == nil || len(x.Mean) != 2 || x.Mean[1] != 3 || x.Lo80[1] != 2.5 || x.Lo95[0] != 0.25 || x.Hi80[0] != 1.5 {
		t.Errorf("by series and model: %+v, X = %+v", byModel, x)
	}
}
