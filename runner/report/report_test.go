package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

func render(t *testing.T, in Input) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), FileName)
	if err := Write(path, in); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// wellFormed checks that the page, SVG included, is well-formed XML: the
// template keeps to XHTML syntax so that a strict parser can check it.
func wellFormed(t *testing.T, page string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict = true
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("page is not well-formed: %v", err)
		}
	}
}

func TestWriteRealTournament(t *testing.T) {
	in := runTournament(t, 24, 200)
	page := render(t, in)
	wellFormed(t, page)
	for _, banned := range []string{"http://", "https://", "<script", "<link", "src=", "url(", "@import"} {
		if strings.Contains(page, banned) {
			t.Errorf("page contains %q: it must load nothing from anywhere", banned)
		}
	}
	if got := strings.Count(page, `<figure class="plot">`); got != DefaultPlots {
		t.Errorf("%d plots, want %d", got, DefaultPlots)
	}
	for _, want := range []string{"Forecast report: nightly", "Wins per model", "Demand classes", "80% interval", "95% interval"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for model := range in.Result.Summary.Wins {
		if !strings.Contains(page, "<td>"+model+"</td>") {
			t.Errorf("leaderboard lacks winner %s", model)
		}
	}
}

func TestPlotCount(t *testing.T) {
	tests := []struct {
		name         string
		items, plots int
		want         int
	}{
		{"default cap", 40, 0, DefaultPlots},
		{"fewer items than the cap", 5, 0, 5},
		{"custom cap", 40, 3, 3},
		{"no plots", 40, -1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := fakeInput(tc.items, 60, 7)
			in.Plots = tc.plots
			page := render(t, in)
			wellFormed(t, page)
			if got := strings.Count(page, `<figure class="plot">`); got != tc.want {
				t.Errorf("%d plots, want %d", got, tc.want)
			}
			if got := strings.Count(page, `<path class="forecast"`); got != tc.want {
				t.Errorf("%d forecast lines, want %d", got, tc.want)
			}
		})
	}
}

func TestEscapesUserData(t *testing.T) {
	const hostile = `<script>alert("x")</script>`
	in := fakeInput(4, 30, 5)
	in.Items[0].ID, in.Result.Items[0].ID = hostile, hostile
	in.Result.Items[1].Winner = `"><img onerror=1>`
	in.RunName, in.Dataset = hostile, hostile
	page := render(t, in)
	wellFormed(t, page)
	if strings.Contains(page, "<script") || strings.Contains(page, "<img") {
		t.Fatal("user data reached the page unescaped")
	}
	if !strings.Contains(page, "&lt;script&gt;") {
		t.Error("escaped item ID missing from the page")
	}
}

func TestPickItemsCoversClasses(t *testing.T) {
	in := fakeInput(100, 30, 5)
	picked := TallyOf(in.Result, len(in.Items), 8).picks()
	perClass := map[sample.DemandClass]int{}
	for _, it := range picked {
		perClass[it.Class]++
	}
	for _, c := range sample.Classes {
		if perClass[c] != 2 {
			t.Errorf("class %s has %d plots, want 2", c, perClass[c])
		}
	}
	again := TallyOf(in.Result, len(in.Items), 8).picks()
	for i := range picked {
		if picked[i].ID != again[i].ID {
			t.Fatalf("pick %d: %s then %s; the sample must be deterministic", i, picked[i].ID, again[i].ID)
		}
	}
}

func TestPickItemsSkipsUnplottable(t *testing.T) {
	in := fakeInput(6, 30, 5)
	in.Result.Items[0].Forecast.Mean = nil // no observation at all
	in.Result.Items[1].Index = 99          // not in Items
	for _, it := range TallyOf(in.Result, len(in.Items), 10).picks() {
		if it.ID == in.Items[0].ID || it.ID == in.Items[1].ID {
			t.Errorf("picked unplottable item %s", it.ID)
		}
	}
}

func TestHistoryBreaksAtMissingValues(t *testing.T) {
	in := fakeInput(1, 30, 5)
	in.Items[0].Values[28] = nan()
	page := render(t, in)
	start := strings.Index(page, `<path class="history" d="`)
	if start < 0 {
		t.Fatal("no history line")
	}
	d := page[start : start+strings.Index(page[start:], "/>")]
	if got := strings.Count(d, "M"); got != 2 {
		t.Errorf("history path has %d segments, want 2 around the missing value: %s", got, d)
	}
}

func TestWriteFailsWithoutResult(t *testing.T) {
	dir := t.TempDir()
	if err := Write(filepath.Join(dir, FileName), Input{}); err == nil {
		t.Fatal("Write without a result succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed write left %d files behind", len(entries))
	}
}

func TestWriteReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, fakeInput(3, 30, 5)); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !bytes.HasPrefix(b, []byte("<!DOCTYPE html>")) {
		t.Errorf("report not replaced: starts %q", b[:min(len(b), 20)])
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the folder, want only the report", len(entries))
	}
}

func TestWriteToMissingFolder(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "absent", FileName), fakeInput(1, 30, 5))
	if err == nil {
		t.Fatal("Write into a missing folder succeeded")
	}
}

func TestRenderDegenerate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Input)
	}{
		{"no items", func(in *Input) { in.Result.Items, in.Items = nil, nil }},
		{"nothing scored", func(in *Input) {
			for i := range in.Result.Items {
				in.Result.Items[i].Score = tournament.Score(nan())
			}
		}},
		{"no intervals", func(in *Input) {
			for i := range in.Result.Items {
				in.Result.Items[i].Forecast.Intervals = nil
			}
		}},
		{"integer periods", func(in *Input) {
			for i := range in.Items {
				in.Items[i].Start, in.Items[i].StartIndex = time.Time{}, 100
			}
		}},
		{"constant series", func(in *Input) {
			for i := range in.Items {
				for k := range in.Items[i].Values {
					in.Items[i].Values[k] = 0
				}
				in.Result.Items[i].Forecast.Intervals = nil
				clear(in.Result.Items[i].Forecast.Mean)
			}
		}},
		{"unknown class and winner", func(in *Input) {
			in.Result.Items[0].Class, in.Result.Items[0].Winner = "", "Custom"
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := fakeInput(8, 40, 6)
			tc.change(&in)
			page := render(t, in)
			wellFormed(t, page)
			if strings.Contains(page, "NaN") || strings.Contains(page, "Inf") {
				t.Error("page shows NaN or Inf")
			}
		})
	}
}
