package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestFitWritesForecastsAndPerItemCPU(t *testing.T) {
	data := generate(t, 6, 120)
	dir := t.TempDir()
	out, timings := filepath.Join(dir, "fc.csv"), filepath.Join(dir, "cpu.csv")
	code, _, stderr := invoke(t, "fit", "--model", "AutoETS", "--input", data, "--horizon", "7", "--season", "7",
		"--out", out, "--timings", timings)
	if code != 0 {
		t.Fatalf("fit exited %d: %s", code, stderr)
	}
	rows := readRows(t, out)
	if got := strings.Join(rows[0], ","); got != "item_id,step,model,forecast" {
		t.Errorf("header %q", got)
	}
	if len(rows) != 1+6*7 {
		t.Errorf("%d forecast rows, want 42 and a header", len(rows)-1)
	}
	for _, r := range rows[1:] {
		if r[2] != "AutoETS" {
			t.Fatalf("row %v: model %q", r, r[2])
		}
		if _, err := strconv.ParseFloat(r[3], 64); err != nil {
			t.Fatalf("row %v: %v", r, err)
		}
	}
	cpu := readRows(t, timings)
	if len(cpu) != 1+6 {
		t.Fatalf("%d timing rows, want 6", len(cpu)-1)
	}
	total := 0.0
	for _, r := range cpu[1:] {
		v, err := strconv.ParseFloat(r[2], 64)
		if err != nil || v < 0 {
			t.Fatalf("timing row %v: %v", r, err)
		}
		total += v
	}
	if total == 0 {
		t.Errorf("six AutoETS fits took no CPU time at all: the timer does not measure")
	}
}

func TestFitFallsBackToNaiveAndSaysSo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zeros.csv")
	body := "item_id,t,value\n"
	for i := 1; i <= 40; i++ {
		body += "a," + strconv.Itoa(i) + "," + strconv.Itoa(i%2) + "\n"
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := invoke(t, "fit", "--model", "HoltWintersMultiplicative", "--input", path, "--horizon", "3", "--season", "4",
		"--time-column", "t", "--value-column", "value", "--out", filepath.Join(t.TempDir(), "fc.csv"))
	if code != 0 || !strings.Contains(stderr, "1 of 1 items fell back to naive") {
		t.Errorf("fit exited %d, stderr %q; want success and the fallback counted", code, stderr)
	}
}
