package forecastcli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/forecastrun/forecastrun/internal/export"
)

// knownResults are the files every run with output writes; checking them
// before starting a Pod catches the usual overwrite early.
var knownResults = []string{"forecasts.csv", "leaderboard.csv", "summary.json", "report.html"}

var (
	// errExists is wrapped by the refusal to overwrite a file.
	errExists = errors.New("already exists")
	// errPartial marks a failure after some files were moved into place.
	errPartial = errors.New("copy incomplete")
)

// receiveFiles decodes an export stream into dir. Every file goes to a
// temporary file in dir first and all are renamed into place only after
// the whole stream checked out, so a cut-off or damaged stream leaves dir
// as it was. Existing files are replaced only with overwrite.
func receiveFiles(r io.Reader, dir string, overwrite bool) ([]export.File, error) {
	sink := &dirSink{dir: dir, overwrite: overwrite}
	files, err := export.Decode(r, sink.create)
	if err != nil {
		sink.discard()
		return nil, err
	}
	if err := sink.commit(); err != nil {
		return nil, err
	}
	return files, nil
}

// checkTargets fails when a file about to be copied would replace one in
// dir without overwrite, or cannot be replaced at all.
func checkTargets(dir string, names []string, overwrite bool) error {
	for _, name := range names {
		target := filepath.Join(dir, name)
		info, err := os.Lstat(target)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return err
		case info.IsDir():
			return fmt.Errorf("%s is a folder; a result file cannot replace it", target)
		case !overwrite:
			return fmt.Errorf("%s %w; pass --overwrite to replace it", target, errExists)
		}
	}
	return nil
}

// dirSink gives export.Decode a temporary file per file of the stream.
type dirSink struct {
	dir       string
	overwrite bool
	pending   []pendingFile
}

type pendingFile struct{ name, temp string }

func (d *dirSink) create(f export.File) (io.WriteCloser, error) {
	// The name is a single path element (export.ValidName), so the file
	// stays inside dir whatever the stream says.
	if err := checkTargets(d.dir, []string{f.Name}, d.overwrite); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(d.dir, ".forecast-copy-*")
	if err != nil {
		return nil, fmt.Errorf("creating a file in %s: %w", d.dir, err)
	}
	d.pending = append(d.pending, pendingFile{name: f.Name, temp: tmp.Name()})
	return syncCloser{tmp}, nil
}

// syncCloser flushes a temporary file to disk before it is closed, so the
// rename that follows never publishes a file whose data is not yet there.
type syncCloser struct{ *os.File }

func (s syncCloser) Close() error {
	if err := s.Sync(); err != nil {
		s.File.Close()
		return err
	}
	return s.File.Close()
}

// commit renames the temporary files into place, checking again for files
// that appeared meanwhile. A failure part-way says which files made it.
func (d *dirSink) commit() error {
	defer d.discard()
	var done []string
	for _, p := range d.pending {
		target := filepath.Join(d.dir, p.name)
		err := checkTargets(d.dir, []string{p.name}, d.overwrite)
		if err == nil {
			err = os.Chmod(p.temp, 0o644) // CreateTemp makes 0600; results are not secret
		}
		if err == nil {
			err = os.Rename(p.temp, target)
		}
		if err != nil {
			if len(done) > 0 {
				return fmt.Errorf("%w: %w (copied before it: %s)", errPartial, err, strings.Join(done, ", "))
			}
			return err
		}
		done = append(done, p.name)
	}
	d.pending = nil
	return nil
}

// discard removes the temporary files that were not renamed.
func (d *dirSink) discard() {
	for _, p := range d.pending {
		os.Remove(p.temp)
	}
	d.pending = nil
}
