package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/forecastrun/forecastrun/internal/export"
)

const exportSynopsis = `export --dir DIR

Writes the result files in DIR to stdout as a text stream that survives a
Pod's log (see internal/export): a header per file with its name, size and
SHA-256, the gzip-compressed content in base64 lines, and end markers, so
that the reader notices a truncated or damaged log. 'kubectl forecast
results --copy' runs it in a short-lived Pod on the run's output claim and
reads it back through the Pod's log.

Only DIR's top-level regular files are sent: a run folder keeps its results
there (forecasts.csv, leaderboard.csv, summary.json, report.html), while
its .checkpoint folder, the hidden temporary files of writes in progress,
other folders and symbolic links are skipped. On failure the stream ends
with an #error line saying why.`

func runExport(_ context.Context, args []string, e env) error {
	fs := newFlagSet("export", exportSynopsis, e)
	dir := fs.String("dir", "", "folder whose result files to write (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("--dir is required")
	}
	// Nothing but the stream may reach stdout: it is read back from the
	// log, where every line counts.
	w := bufio.NewWriter(e.stdout)
	files, err := resultFiles(*dir)
	if err != nil {
		_ = export.WriteError(w, err)
	} else {
		err = export.Encode(w, files)
	}
	if ferr := w.Flush(); ferr != nil {
		if err == nil {
			err = fmt.Errorf("writing the export stream: %w", ferr)
		}
		// The stream could not carry the error: stderr is all that is left.
		return err
	}
	if err != nil {
		return reportedInStream{err}
	}
	return nil
}

// reportedInStream is an error the export stream already ends with, as its
// #error line. The command fails without repeating it on stderr: a Pod's
// log joins stdout and stderr through separate pipes in no fixed order, and
// a copy of the error ahead of the stream's header would make the reader
// take the whole log for a damaged stream instead of showing the error.
type reportedInStream struct{ error }

func (r reportedInStream) Unwrap() error { return r.error }

// resultFiles lists the files of a run folder that are results, in name
// order (os.ReadDir sorts), which makes the stream reproducible.
func resultFiles(dir string) ([]export.Source, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading the run folder: %w", err)
	}
	var files []export.Source
	for _, entry := range entries {
		if !isResult(entry) {
			continue
		}
		path := filepath.Join(dir, entry.Name())
		files = append(files, export.Source{Name: entry.Name(), Open: func() (io.ReadCloser, error) { return os.Open(path) }})
	}
	return files, nil
}

// isResult: a regular file whose name does not start with a dot. Dot
// names are the runner's own bookkeeping: the .checkpoint folder and the
// .NAME.tmp-* files of atomic writes, which a crash may leave behind.
// Symbolic links are not followed out of the folder.
func isResult(entry os.DirEntry) bool {
	return entry.Type().IsRegular() && !strings.HasPrefix(entry.Name(), ".")
}
