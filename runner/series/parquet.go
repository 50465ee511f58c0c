package series

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// ParquetMagic starts and ends every Parquet file.
const ParquetMagic = "PAR1"

// IsParquet reports whether a file is Parquet by its first bytes, or when
// they are not at hand (nil), by its name's extension.
func IsParquet(name string, head []byte) bool {
	if len(head) >= len(ParquetMagic) {
		return string(head[:len(ParquetMagic)]) == ParquetMagic
	}
	return strings.HasSuffix(strings.ToLower(name), ".parquet")
}

// ReadParquet reads a Parquet file holding the columns of a long CSV file
// (see Read): one row per item and period, found by the same column names,
// laid out and checked the same way. The item column holds strings or
// integers; the time column ISO strings, DATE, TIMESTAMP or integer
// period indexes; the value column numbers of any width, a null being a
// missing value. Other columns are not read. Every error is a *ParseError
// naming the file and, for a bad row, its row number and row group.
func ReadParquet(r io.ReaderAt, size int64, name string, opts ReadOptions) (*Dataset, error) {
	l, err := newLoader(name, opts)
	if err != nil {
		return nil, err
	}
	f, err := parquet.OpenFile(r, size, parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, &ParseError{File: name, Err: fmt.Errorf("not a readable Parquet file: %w", err)}
	}
	cols, err := l.parquetColumns(f.Schema())
	if err != nil {
		return nil, err
	}
	if l.scan != nil {
		if _, err := io.Copy(l.scan.digest, io.NewSectionReader(r, 0, size)); err != nil {
			return nil, &ParseError{File: name, Err: fmt.Errorf("reading: %w", err)}
		}
	}
	row := 0
	for _, rg := range f.RowGroups() {
		l.rowGroups = append(l.rowGroups, row)
		if err := l.readRowGroup(rg, cols, row); err != nil {
			return nil, err
		}
		row += int(rg.NumRows())
	}
	return l.finish(opts)
}

// parquetColumn is how to turn one column's values into cells.
type parquetColumn struct {
	index int
	conv  func(v parquet.Value) (cellTime, error) // time column only
}

// parquetColumns finds the item, time and value columns and checks their
// types.
func (l *loader) parquetColumns(s *parquet.Schema) ([3]parquetColumn, error) {
	var cols [3]parquetColumn
	names := make([]string, 0, len(s.Fields()))
	for _, f := range s.Fields() {
		names = append(names, f.Name())
	}
	for role, want := range []string{l.cols.Item, l.cols.Time, l.cols.Value} {
		leaf, ok := s.Lookup(want)
		if !ok {
			return cols, &ParseError{File: l.file, Err: errorf(ErrMissingColumn, "file has no column %q (it has %s)", want, strings.Join(names, ", "))}
		}
		if leaf.MaxRepetitionLevel > 0 {
			return cols, &ParseError{File: l.file, Err: errorf(ErrBadValue, "column %q is repeated; want one value per row", want)}
		}
		cols[role].index = leaf.ColumnIndex
		t := leaf.Node.Type()
		var err error
		switch role {
		case 0:
			err = checkKinds(want, t, "strings or integers", parquet.ByteArray, parquet.Int32, parquet.Int64)
		case 1:
			cols[role].conv, err = timeConverter(want, t)
		case 2:
			err = checkKinds(want, t, "numbers (DOUBLE, FLOAT, INT32 or INT64)", parquet.Double, parquet.Float, parquet.Int32, parquet.Int64)
			if err == nil && isDecimal(t) {
				err = fmt.Errorf("column %q holds DECIMAL numbers; want DOUBLE, FLOAT or plain integers", want)
			}
		}
		if err != nil {
			return cols, &ParseError{File: l.file, Err: &classified{msg: err.Error(), kind: ErrBadValue}}
		}
	}
	l.item, l.time, l.value = cols[0].index, cols[1].index, cols[2].index
	return cols, nil
}

func checkKinds(name string, t parquet.Type, want string, kinds ...parquet.Kind) error {
	for _, k := range kinds {
		if t.Kind() == k {
			return nil
		}
	}
	return fmt.Errorf("column %q holds %s; want %s", name, typeName(t), want)
}

func typeName(t parquet.Type) string {
	if lt := t.LogicalType(); lt != nil && lt.Value != nil {
		return fmt.Sprintf("%s (%s)", t.Kind(), lt)
	}
	return t.Kind().String()
}

func isDecimal(t parquet.Type) bool {
	lt := t.LogicalType()
	if lt != nil {
		_, ok := lt.Value.(*format.DecimalType)
		return ok
	}
	ct := t.ConvertedType()
	return ct != nil && *ct == deprecated.Decimal
}

// timeConverter reads a time column: ISO strings as in CSV, DATE as
// dates, TIMESTAMP as date-times (fractions of a second dropped) and plain
// integers as period indexes.
func timeConverter(name string, t parquet.Type) (func(parquet.Value) (cellTime, error), error) {
	var lt format.LogicalTypeValue
	if t.LogicalType() != nil {
		lt = t.LogicalType().Value
	}
	ct := t.ConvertedType()
	switch {
	case t.Kind() == parquet.ByteArray:
		return func(v parquet.Value) (cellTime, error) {
			return parseTimeCell(strings.TrimSpace(string(v.ByteArray())))
		}, nil
	case t.Kind() == parquet.Int32 && (isType[*format.DateType](lt) || (ct != nil && *ct == deprecated.Date)):
		return dateCell, nil
	case t.Kind() == parquet.Int64 && (isType[*format.TimestampType](lt) || (ct != nil && (*ct == deprecated.TimestampMillis || *ct == deprecated.TimestampMicros))):
		return timestampConverter(lt, ct), nil
	case (t.Kind() == parquet.Int32 || t.Kind() == parquet.Int64) && (lt == nil || isType[*format.IntType](lt)):
		return func(v parquet.Value) (cellTime, error) { return cellTime{key: v.Int64(), kind: kindIndex}, nil }, nil
	}
	return nil, fmt.Errorf("column %q holds %s; want ISO date strings, DATE, TIMESTAMP or integer period indexes", name, typeName(t))
}

func isType[T any](v format.LogicalTypeValue) bool {
	_, ok := v.(T)
	return ok
}

// minDay is 1000-01-01 in days since 1970: earlier dates are typos, as in
// CSV.
var minDay = daysFromCivil(minYear, 1, 1)

func dateCell(v parquet.Value) (cellTime, error) {
	day := int64(v.Int32())
	if day < minDay {
		return cellTime{}, fmt.Errorf("date %s is before the year %d", formatKey(kindDate, day*secondsPerDay), minYear)
	}
	return cellTime{key: day * secondsPerDay, kind: kindDate}, nil
}

func timestampConverter(lt format.LogicalTypeValue, ct *deprecated.ConvertedType) func(parquet.Value) (cellTime, error) {
	perSecond, zoned := int64(1000), false
	if ts, ok := lt.(*format.TimestampType); ok {
		zoned = ts.IsAdjustedToUTC
		if u := ts.Unit.Value; u != nil {
			perSecond = int64(1e9 / u.Duration())
		}
	} else if ct != nil && *ct == deprecated.TimestampMicros {
		perSecond = 1e6
	}
	return func(v parquet.Value) (cellTime, error) {
		key := floorDiv64(v.Int64(), perSecond)
		if key < minDay*secondsPerDay {
			return cellTime{}, fmt.Errorf("time %s is before the year %d", formatKey(kindDateTime, key), minYear)
		}
		return cellTime{key: key, kind: kindDateTime, zoned: zoned}, nil
	}
}

// readRowGroup feeds one row group's rows to the loader; first is the
// number of rows before it in the file.
func (l *loader) readRowGroup(rg parquet.RowGroup, cols [3]parquetColumn, first int) error {
	chunks := rg.ColumnChunks()
	var cur [3]columnCursor
	for role := range cur {
		cur[role] = columnCursor{pages: chunks[cols[role].index].Pages(), buf: make([]parquet.Value, 1024)}
		defer cur[role].close()
	}
	var lastID string
	for i := range int(rg.NumRows()) {
		line := first + i + 1
		var vals [3]parquet.Value
		for role := range cur {
			v, err := cur[role].next()
			if err != nil {
				return &ParseError{File: l.file, Line: line, RowGroup: len(l.rowGroups), Err: fmt.Errorf("reading column %q: %w", l.cols.name(role), err)}
			}
			vals[role] = v
		}
		id, err := l.parquetID(vals[0], line, &lastID)
		if err != nil {
			return err
		}
		if vals[1].IsNull() {
			return l.fieldError(line, l.time, ErrBadTime, "is null; every row needs a time")
		}
		t, err := cols[1].conv(vals[1])
		if err != nil {
			return l.fieldError(line, l.time, ErrBadTime, "%v", err)
		}
		if err := l.add(id, t, parquetNumber(vals[2]), line); err != nil {
			return err
		}
	}
	return nil
}

// parquetID reads an item ID, reusing the previous row's string when the
// bytes match: rows of one item usually come together.
func (l *loader) parquetID(v parquet.Value, line int, last *string) (string, error) {
	switch {
	case v.IsNull():
		return "", l.fieldError(line, l.item, ErrBadValue, "empty item ID")
	case v.Kind() == parquet.ByteArray:
		b := bytes.TrimSpace(v.ByteArray())
		if len(b) > 0 && string(b) == *last { // compiles without allocating
			return *last, nil
		}
		*last = string(b)
	default:
		*last = strconv.FormatInt(v.Int64(), 10)
	}
	return *last, l.checkID(*last, line)
}

// parquetNumber is a value cell: null is missing.
func parquetNumber(v parquet.Value) float64 {
	switch v.Kind() {
	case parquet.Double:
		return v.Double()
	case parquet.Float:
		return float64(v.Float())
	case parquet.Int32, parquet.Int64:
		return float64(v.Int64())
	}
	return math.NaN()
}

// columnCursor reads one flat column's values one at a time across pages.
type columnCursor struct {
	pages parquet.Pages
	page  parquet.Page
	vals  parquet.ValueReader
	buf   []parquet.Value
	n, i  int
}

func (c *columnCursor) next() (parquet.Value, error) {
	for c.i >= c.n {
		if c.vals == nil {
			if err := c.nextPage(); err != nil {
				return parquet.Value{}, err
			}
		}
		n, err := c.vals.ReadValues(c.buf)
		c.n, c.i = n, 0
		if errors.Is(err, io.EOF) {
			c.vals = nil
		} else if err != nil {
			return parquet.Value{}, err
		}
	}
	c.i++
	return c.buf[c.i-1], nil
}

func (c *columnCursor) nextPage() error {
	if c.page != nil {
		parquet.Release(c.page)
		c.page = nil
	}
	p, err := c.pages.ReadPage()
	if errors.Is(err, io.EOF) {
		return errors.New("the column has fewer values than the row group has rows")
	}
	if err != nil {
		return err
	}
	c.page, c.vals = p, p.Values()
	return nil
}

func (c *columnCursor) close() {
	if c.page != nil {
		parquet.Release(c.page)
	}
	c.pages.Close()
}
