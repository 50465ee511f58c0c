package modeltest

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// ReadGolden returns the rows of testdata/name, a CSV written by a
// hack/goldens script, header first.
func ReadGolden(t testing.TB, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("reading goldens (regenerate with hack/gen-goldens.sh): %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("parsing %s: %v", name, err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s is empty", name)
	}
	return rows
}

// GoldenFloat parses a golden value; R's NA (or an empty cell) is NaN.
func GoldenFloat(t testing.TB, s string) float64 {
	t.Helper()
	s = strings.TrimSpace(s)
	if s == "NA" || s == "" {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("golden value %q: %v", s, err)
	}
	return v
}

// ReadGoldenRecords returns the rows of testdata/name keyed by the header.
func ReadGoldenRecords(t testing.TB, name string) []map[string]string {
	t.Helper()
	rows := ReadGolden(t, name)
	out := make([]map[string]string, 0, len(rows)-1)
	for _, r := range rows[1:] {
		rec := make(map[string]string, len(r))
		for i, k := range rows[0] {
			rec[k] = r[i]
		}
		out = append(out, rec)
	}
	return out
}
