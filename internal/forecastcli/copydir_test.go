package forecastcli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/internal/export"
)

// streamOf encodes name/content pairs as `runner export` would.
func streamOf(t *testing.T, files ...string) string {
	t.Helper()
	var sources []export.Source
	for i := 0; i < len(files); i += 2 {
		content := files[i+1]
		sources = append(sources, export.Source{Name: files[i], Open: func() (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader(content)), nil
		}})
	}
	var b bytes.Buffer
	if err := export.Encode(&b, sources); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// folder lists dir's entries, hidden ones included.
func folder(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestReceiveFiles(t *testing.T) {
	dir := t.TempDir()
	files, err := receiveFiles(strings.NewReader(streamOf(t,
		"forecasts.csv", "item_id,step\na,1\n", "summary.json", `{"items":1}`, "a file with spaces.txt", "")), dir, false)
	if err != nil {
		t.Fatalf("receiveFiles: %v", err)
	}
	if len(files) != 3 || files[0].Name != "forecasts.csv" || files[0].Size != 17 {
		t.Errorf("received %+v", files)
	}
	want := map[string]string{"forecasts.csv": "item_id,step\na,1\n", "summary.json": `{"items":1}`, "a file with spaces.txt": ""}
	for name, content := range want {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(b) != content {
			t.Errorf("%s: %q, %v; want %q", name, b, err, content)
		}
		if info, err := os.Stat(filepath.Join(dir, name)); err != nil || info.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, %v; want 0644", name, info.Mode(), err)
		}
	}
	if got := folder(t, dir); len(got) != 3 {
		t.Errorf("folder holds %v; want the three files and no temporary ones", got)
	}
}

// A stream that is cut off or damaged leaves the folder as it was, and the
// error says what happened and to which file.
func TestReceiveFilesWritesNothingOnAFault(t *testing.T) {
	good := streamOf(t, "forecasts.csv", strings.Repeat("item,1,2.5\n", 2000), "summary.json", `{"items":2000}`)
	lines := strings.SplitAfter(good, "\n")
	for _, tc := range []struct {
		name   string
		stream string
		kind   error
		want   string
	}{
		{"cut off in the second file", strings.Join(lines[:len(lines)-4], ""), export.ErrTruncated, `in file "summary.json"`},
		{"cut off in the first file", strings.Join(lines[:3], ""), export.ErrTruncated, `in file "forecasts.csv"`},
		{"front rotated away", strings.Join(lines[2:], ""), export.ErrTruncated, "front of the log is missing"},
		{"corrupted line", strings.Replace(good, lines[2], "#"+lines[2][1:], 1), export.ErrCorrupt, `in file "forecasts.csv"`},
		{"checksum mismatch", strings.Replace(good, " "+sha256Of(`{"items":2000}`)+" ", " "+sha256Of("other")+" ", 1), export.ErrCorrupt, "SHA-256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := receiveFiles(strings.NewReader(tc.stream), dir, false)
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("receiveFiles: %v; want %v mentioning %q", err, tc.kind, tc.want)
			}
			if got := folder(t, dir); len(got) != 0 {
				t.Errorf("the folder holds %v after a failed copy; want it empty", got)
			}
		})
	}
}

func TestReceiveFilesOverwrite(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "summary.json")
	if err := os.WriteFile(old, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	stream := streamOf(t, "forecasts.csv", "x\n", "summary.json", "new")
	_, err := receiveFiles(strings.NewReader(stream), dir, false)
	if !errors.Is(err, errExists) || !strings.Contains(err.Error(), "--overwrite") {
		t.Errorf("receiveFiles over an existing file: %v; want a refusal naming --overwrite", err)
	}
	if b, _ := os.ReadFile(old); string(b) != "mine" {
		t.Errorf("the existing file now holds %q", b)
	}
	if got := folder(t, dir); !slices.Equal(got, []string{"summary.json"}) {
		t.Errorf("folder holds %v after the refusal", got)
	}
	if _, err := receiveFiles(strings.NewReader(stream), dir, true); err != nil {
		t.Fatalf("receiveFiles with overwrite: %v", err)
	}
	if b, _ := os.ReadFile(old); string(b) != "new" {
		t.Errorf("with overwrite the file holds %q, want new", b)
	}
}

func sha256Of(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
