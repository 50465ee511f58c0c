package source

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/series"
)

// A URL's response may come from a service that only the cluster reaches,
// so, unlike a ConfigMap or a claim that the run's creator may read, none
// of it is repeated in an error (errors become the run's status message):
// a CSV error on a URL source names the place and the kind of problem,
// never the header, a cell or an item.

// withoutContent rewrites err, a CSV error on a URL source, so that it
// repeats nothing of the response; the place and the kind of problem stay,
// and errors.Is still finds the series package's sentinel.
func withoutContent(err error, spec v1alpha1.Dataset) error {
	var pe *series.ParseError
	if !errors.As(err, &pe) || (pe.Line == 0 && !errors.Is(err, series.ErrMissingColumn)) {
		// File-wide problems name the spec or the transfer, not the
		// content; but a Parquet file without a wanted column lists its own.
		return err
	}
	return &series.ParseError{File: pe.File, Line: pe.Line, Column: pe.Column, RowGroup: pe.RowGroup, Err: describe(pe.Err, spec)}
}

// describe says what kind of problem err is, in words that hold nothing of
// the response.
func describe(err error, spec v1alpha1.Dataset) error {
	cols, def := readOptions(spec, Options{}).Columns, series.DefaultColumns
	item, time, value := cmp.Or(cols.Item, def.Item), cmp.Or(cols.Time, def.Time), cmp.Or(cols.Value, def.Value)
	switch {
	case errors.Is(err, series.ErrMissingColumn):
		return kindError{err: series.ErrMissingColumn, msg: fmt.Sprintf(
			"the header (or Parquet schema) must name each of the columns %q, %q and %q once (a URL's response is not shown in messages)", item, time, value)}
	case errors.Is(err, series.ErrBadValue):
		return kindError{err: series.ErrBadValue, msg: fmt.Sprintf("column %q: not a number", value)}
	case errors.Is(err, series.ErrBadTime):
		return kindError{err: series.ErrBadTime, msg: fmt.Sprintf("column %q: not a date, a date-time or an integer period index", time)}
	case errors.Is(err, series.ErrDuplicate):
		return kindError{err: series.ErrDuplicate, msg: "an item has a second row for the same period"}
	case errors.Is(err, series.ErrNeedsWholeInput):
		return kindError{err: series.ErrNeedsWholeInput, msg: "an item's rows are not in time order"}
	case errors.Is(err, series.ErrOffGrid):
		return kindError{err: series.ErrOffGrid, msg: "a time is not on the grid of the dataset's frequency"}
	case errors.Is(err, csv.ErrFieldCount), errors.Is(err, csv.ErrQuote), errors.Is(err, csv.ErrBareQuote):
		return err // counts and fixed wording only
	}
	return errors.New("malformed row (a URL's response is not shown in messages)")
}

// kindError is a message of its own that still matches its sentinel.
type kindError struct {
	err error
	msg string
}

func (e kindError) Error() string { return e.msg }
func (e kindError) Unwrap() error { return e.err }
