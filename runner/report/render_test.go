package report

import (
	"os"
	"testing"
	"time"
)

// TestRenderLarge writes a report for visual inspection when
// REPORT_OUT names a file: REPORT_OUT=/tmp/r.html go test -run Large.
func TestRenderLarge(t *testing.T) {
	out := os.Getenv("REPORT_OUT")
	if out == "" {
		t.Skip("REPORT_OUT not set")
	}
	in := runTournament(t, 200, 400)
	in.DatasetItems = 3707
	in.Created = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	if err := Write(out, in); err != nil {
		t.Fatal(err)
	}
}
