package export

import (
	"errors"
	"fmt"
)

// The kinds of StreamError; test with errors.Is.
var (
	// ErrTruncated: the stream lacks its start or its end, as when the log
	// was rotated or cut off.
	ErrTruncated = errors.New("export stream truncated")
	// ErrCorrupt: a line is malformed or a file's content does not match
	// its header.
	ErrCorrupt = errors.New("export stream corrupt")
	// ErrExporter: the exporter reported a failure of its own (#error).
	ErrExporter = errors.New("the exporter failed")
)

// StreamError is a fault found in a stream, with where it was found.
type StreamError struct {
	// Kind is ErrTruncated, ErrCorrupt or ErrExporter.
	Kind error
	// Line is the 1-based line of the stream where it showed; when the
	// stream ended too early, the last line there was (0: none).
	Line int
	// File is the name of the file being read, empty between files.
	File string
	// Detail says what was wrong.
	Detail string
}

func (e *StreamError) Error() string {
	where := ""
	if e.File != "" {
		where = fmt.Sprintf(" in file %q", e.File)
	}
	// The exporter's message is its own; where it showed in the stream
	// says nothing.
	if e.Line > 0 && e.Kind != ErrExporter {
		where += fmt.Sprintf(" at line %d", e.Line)
	}
	return fmt.Sprintf("%v%s: %s", e.Kind, where, e.Detail)
}

// Unwrap makes errors.Is(err, ErrTruncated) and friends work.
func (e *StreamError) Unwrap() error { return e.Kind }
