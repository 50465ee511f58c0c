package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRenderLarge renders a 200-item report and checks it has every
// section. Set REPORT_OUT to a file name to keep the page for a look in a
// browser: REPORT_OUT=/tmp/r.html go test -run Large.
func TestRenderLarge(t *testing.T) {
	out := os.Getenv("REPORT_OUT")
	if out == "" {
		out = filepath.Join(t.TempDir(), FileName)
	}
	in := runTournament(t, 200, 400)
	in.DatasetItems = 3707
	in.Created = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	if err := Write(out, in); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Leaderboard", "Demand classes", "<svg"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
