package ets_test

import (
	"testing"

	"github.com/forecastrun/forecastrun/runner/models/ets"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

// TestReestimateKeepsTheForm: the form Auto chose on a shorter history is
// fitted to the longer one as a fixed model would fit it, with no search.
func TestReestimateKeepsTheForm(t *testing.T) {
	y := modeltest.Series()["seasonal"]
	if len(y) < 60 {
		t.Fatalf("seasonal conformance series has %d points", len(y))
	}
	short, err := ets.Auto(12).Fit(y[:len(y)-12])
	if err != nil {
		t.Fatal(err)
	}
	chosen := short.(*ets.Fitted)
	re, err := chosen.Reestimate(y)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := ets.ParseSpec(chosen.Form())
	if err != nil {
		t.Fatal(err)
	}
	// AutoETS's forms are reestimated as AutoETS estimates them.
	direct, err := ets.NewAsAuto(12, spec).Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	got, want := re.(*ets.Fitted), direct.(*ets.Fitted)
	if got.Form() != chosen.Form() || got.AICc() != want.AICc() || got.Params() != want.Params() {
		t.Errorf("reestimated %s (AICc %v, %+v), want %s as fitted directly (AICc %v, %+v)",
			got.Form(), got.AICc(), got.Params(), chosen.Form(), want.AICc(), want.Params())
	}
}
