package main

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/internal/export"
)

// decodeStream reads an export stream back into name → content.
func decodeStream(t *testing.T, stream string) (map[string]string, error) {
	t.Helper()
	got := map[string]*bytes.Buffer{}
	_, err := export.Decode(strings.NewReader(stream), func(f export.File) (io.WriteCloser, error) {
		got[f.Name] = &bytes.Buffer{}
		return nopWriteCloser{got[f.Name]}, nil
	})
	out := map[string]string{}
	for name, b := range got {
		out[name] = b.String()
	}
	return out, err
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A run folder as `runner job` leaves it: the results, plus checkpoints and
// a temporary file of an interrupted write, which are not results.
func TestExportSendsTheResultFiles(t *testing.T) {
	dir := t.TempDir()
	results := map[string]string{
		"forecasts.csv":     "item_id,step,date,model,forecast\na,1,2026-01-01,SES,1.5\n",
		"leaderboard.csv":   "item_id,class,winner\na,smooth,SES\n",
		"summary.json":      `{"items":1}`,
		"report.html":       "<html></html>",
		"notes for you.txt": "a file name with spaces",
		"empty.csv":         "",
	}
	writeFiles(t, dir, results)
	writeFiles(t, dir, map[string]string{
		".checkpoint/shard-0.jsonl": `{"format":"forecastrun-checkpoint/v1"}`,
		".forecasts.csv.tmp-1234":   "half a file",
		"plots/item-a.svg":          "<svg/>",
	})
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := invoke(t, "export", "--dir", dir)
	if code != 0 || stderr != "" {
		t.Fatalf("export exited %d, stderr %q", code, stderr)
	}
	got, err := decodeStream(t, stdout)
	if err != nil {
		t.Fatalf("decoding the stream: %v\n%s", err, stdout)
	}
	if len(got) != len(results) {
		t.Errorf("exported %v, want only the %d result files", slices.Sorted(maps.Keys(got)), len(results))
	}
	for name, want := range results {
		if got[name] != want {
			t.Errorf("%s: exported %q, want %q", name, got[name], want)
		}
	}
}

func TestExportEmptyFolder(t *testing.T) {
	code, stdout, stderr := invoke(t, "export", "--dir", t.TempDir())
	if code != 0 {
		t.Fatalf("export exited %d: %s", code, stderr)
	}
	if got, err := decodeStream(t, stdout); err != nil || len(got) != 0 {
		t.Errorf("empty folder: %v, %v", got, err)
	}
}

// A missing folder fails the command, and the stream itself says why, so
// the reader of the log can tell the user. Nothing goes to stderr: in a
// Pod's log a second copy of the error lands before or after the stream in
// no fixed order, and before the header it reads as a damaged stream (the
// e2e suite's missing-folder copy failed that way one time in eight).
func TestExportMissingFolder(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-run")
	code, stdout, stderr := invoke(t, "export", "--dir", missing)
	if code != 1 || stderr != "" {
		t.Errorf("export of a missing folder exited %d, stderr %q; want 1 and the error in the stream only", code, stderr)
	}
	_, err := decodeStream(t, stdout)
	if !errors.Is(err, export.ErrExporter) || !strings.Contains(err.Error(), "reading the run folder") {
		t.Errorf("decoding the failed stream: %v, want the exporter's error", err)
	}
}

func TestExportUsage(t *testing.T) {
	for _, args := range [][]string{{"export"}, {"export", "--dir", "x", "extra"}, {"export", "--bogus"}} {
		if code, stdout, _ := invoke(t, args...); code != 2 || stdout != "" {
			t.Errorf("runner %s exited %d and wrote %q to stdout; want 2 and nothing", strings.Join(args, " "), code, stdout)
		}
	}
}
