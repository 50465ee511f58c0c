package series

import (
	"errors"
	"fmt"
)

// ParseError locates a problem in an input file. Line and Column are
// 1-based; Column is the field number within the row (for a CSV quoting
// error it is the character position reported by encoding/csv) and is 0
// when the whole line is meant, as for a header without a wanted column.
// Line is 0 when the problem concerns the file as a whole.
type ParseError struct {
	File   string
	Line   int
	Column int
	// RowGroup is set for a Parquet file: the 1-based row group holding
	// the row, whose 1-based number in the file is then Line.
	RowGroup int
	Err      error
}

// Error formats the location as file:line:column, the form editors and
// terminals turn into a link, e.g.
// `data.csv:17:3: column "quantity": cannot parse "12x" as a number`.
func (e *ParseError) Error() string {
	switch {
	case e.RowGroup > 0:
		return fmt.Sprintf("%s: row %d (row group %d): %v", e.File, e.Line, e.RowGroup, e.Err)
	case e.Line == 0:
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
}

// Unwrap returns the underlying error, so errors.Is finds ErrDuplicate and
// the other sentinel errors.
func (e *ParseError) Unwrap() error { return e.Err }

// Sentinel errors wrapped by a ParseError, for callers that react to a kind
// of problem rather than print it.
var (
	ErrMissingColumn = errors.New("missing column")
	ErrDuplicate     = errors.New("duplicate row")
	ErrBadValue      = errors.New("bad value")
	ErrBadTime       = errors.New("bad time")
	ErrOffGrid       = errors.New("time not on the frequency's grid")
	// ErrNeedsWholeInput reports an input that ReadOptions.Keep cannot
	// read item by item: rows of an item out of time order, or absent
	// periods to interpolate. Read it whole instead.
	ErrNeedsWholeInput = errors.New("reading only some items needs each item's rows in time order and absent periods that are not interpolated")
)

// classified is an error with its own text that still matches a sentinel
// under errors.Is, so messages need not repeat the sentinel's words.
type classified struct {
	msg  string
	kind error
}

func (c *classified) Error() string { return c.msg }
func (c *classified) Unwrap() error { return c.kind }

func errorf(kind error, format string, args ...any) error {
	return &classified{msg: fmt.Sprintf(format, args...), kind: kind}
}
