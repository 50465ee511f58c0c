package series

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Columns names the three columns of a long CSV file.
type Columns struct{ Item, Time, Value string }

// DefaultColumns are the column names a retail export usually has.
var DefaultColumns = Columns{Item: "item_id", Time: "date", Value: "quantity"}

// withDefaults fills each empty name from DefaultColumns.
func (c Columns) withDefaults() Columns {
	if c.Item == "" {
		c.Item = DefaultColumns.Item
	}
	if c.Time == "" {
		c.Time = DefaultColumns.Time
	}
	if c.Value == "" {
		c.Value = DefaultColumns.Value
	}
	return c
}

// ReadOptions configures Read. The zero value reads DefaultColumns and
// infers the frequency.
type ReadOptions struct {
	// Columns names the item, time and value columns; an empty name means
	// the one in DefaultColumns.
	Columns Columns
	// Frequency of the time column. Empty means: infer it from the dates,
	// as the most common spacing of each item's closest rows (see Report).
	// An integer time column needs none; a frequency given with one is
	// copied to the Dataset.
	Frequency Frequency
	// Missing is the meaning of a period without a row (default
	// MissingZero: no demand).
	Missing Missing
	// Keep, when set, makes the read hold the rows of only the items it
	// accepts, so that a shard of a run needs memory for its share of the
	// input rather than all of it. Every row still passes through once: the
	// Dataset's Report, Frequency and Summary describe the whole input,
	// and the kept items are laid out to its last period exactly as a full
	// read would lay them out. It needs each item's rows in time order (an
	// export sorted by item or by date) and absent periods that are not
	// interpolated; otherwise the error wraps ErrNeedsWholeInput.
	Keep func(id string) bool
	// Spans, when set, is told where the header and each run of one
	// item's rows lie in a CSV input, so that a later read can take some
	// items' rows alone (ReadSpans). Parquet input tells it nothing.
	Spans SpanSink
	// Known, with Keep, is the Summary an earlier read of the same input
	// returned: the read then lays the kept items out as that read laid
	// them out and summarises nothing else again, so that it needs memory
	// only for the kept items. The returned Summary holds only the
	// Digest, by which a caller tells whether the input changed. Errors
	// in rows of items not kept are left to the earlier read.
	Known *Summary
}

// LoadFile reads a long CSV file (see Read), or a Parquet file when it
// starts with Parquet's magic bytes (see ReadParquet). Errors name the
// file by the path given, so that terminals and editors can open it at
// the line.
func LoadFile(path string, opts ReadOptions) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("loading dataset: %w", err)
	}
	defer f.Close()
	head := make([]byte, len(ParquetMagic))
	n, _ := f.ReadAt(head, 0)
	if !IsParquet(path, head[:n]) {
		return Read(f, path, opts)
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("loading dataset: %w", err)
	}
	return ReadParquet(f, fi.Size(), path, opts)
}

// Read streams a long CSV file (a header, then one row per item and
// period) into a Dataset. Items appear in first-seen order and an item's
// rows may come in any order. The time column holds ISO dates, ISO
// date-times or integer period indexes, one kind for the whole file.
// Date-times are placed by their wall-clock reading; a UTC offset is kept
// only in Start. Each item's values are placed on the frequency's regular
// grid from its earliest row to its latest or, with dates, to the
// dataset's latest period, so that an item that stopped selling is
// forecast from the same date as the others. Periods without a row are
// filled as opts.Missing says (zero demand by default); empty cells and NA
// or NaN cells are NaN. Spaces around cells and header names
// are ignored, as is a leading byte order mark. A repeated (item, time)
// pair is an error. Every error is a *ParseError naming file, line and
// column; name is the file name used in those messages.
func Read(r io.Reader, name string, opts ReadOptions) (*Dataset, error) {
	l, err := newLoader(name, opts)
	if err != nil {
		return nil, err
	}
	if err := l.readRows(r); err != nil {
		return nil, err
	}
	return l.finish(opts)
}

// readRows reads the header and passes every row to addRow.
func (l *loader) readRows(r io.Reader) error {
	if l.scan != nil {
		r = io.TeeReader(r, l.scan.digest)
	}
	br, bom := skipBOM(r)
	comma := sniffDelimiter(br)
	cr := newRows(br, comma)
	cr.pos = bom
	l.csv, l.comma, l.delimiter = cr, comma, delimiterName(comma)
	if err := l.readHeader(cr); err != nil {
		return err
	}
	if l.spans != nil {
		l.spans.Header(Span{cr.from, cr.pos})
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			l.endRun()
			return nil
		}
		if err != nil {
			return l.csvError(err, rec)
		}
		if err := l.addRow(rec); err != nil {
			return err
		}
	}
}

// newLoader checks opts and sets up a loader for the file called name.
func newLoader(name string, opts ReadOptions) (*loader, error) {
	if opts.Frequency != "" && !opts.Frequency.Valid() {
		return nil, &ParseError{File: name, Err: fmt.Errorf("unknown frequency %q", opts.Frequency)}
	}
	missing, err := ParseMissing(string(opts.Missing))
	if err != nil {
		return nil, &ParseError{File: name, Err: err}
	}
	cols := opts.Columns.withDefaults()
	if cols.Item == cols.Time || cols.Item == cols.Value || cols.Time == cols.Value {
		return nil, &ParseError{File: name, Err: fmt.Errorf("columns %+v: item, time and value need three different columns", cols)}
	}
	l := &loader{file: name, cols: cols, missing: missing, byID: map[string]int{}, last: -1, spans: opts.Spans}
	if opts.Keep != nil {
		if missing == MissingInterpolate {
			return nil, &ParseError{File: name, Err: ErrNeedsWholeInput}
		}
		l.keep, l.scan, l.known = opts.Keep, newScanner(), opts.Known
	}
	return l, nil
}

// finish lays the rows out as series: every item, or with Keep the kept
// items on the whole input's frequency and last period.
func (l *loader) finish(opts ReadOptions) (*Dataset, error) {
	if l.scan == nil {
		return l.dataset(opts.Frequency, l.missing)
	}
	return l.share(opts.Frequency)
}

// loader accumulates rows per item until the grid can be laid out.
type loader struct {
	file string
	csv  *rows
	// comma is the CSV delimiter, delimiter its name for the report.
	comma rune
	// delimiter names the CSV delimiter found, for the report.
	delimiter string
	cols      Columns
	fields    int
	item      int // field positions of the three columns
	time      int
	value     int
	kind      timeKind
	kindLine  int
	missing   Missing
	byID      map[string]int
	// keep and scan are set when only some items are held (ReadOptions.Keep).
	keep  func(id string) bool
	scan  *scanner
	known *Summary // ReadOptions.Known
	// rowGroups holds the first row number of each row group of a Parquet
	// file, for messages; nil for CSV.
	rowGroups []int
	items     []*pending
	last      int // the item of the previous row: files are usually grouped
	// rowID is the previous row's checked ID; keptID and kept its
	// answer from keep; times the time cells parsed so far.
	rowID, keptID string
	kept          bool
	times         map[string]parsedCell
	// runRow counts the rows of the current run of one item's rows
	// before this one; runTimes holds the time cells of the latest run
	// that reached each row (see timeCell).
	runRow   int
	runTimes []parsedCell
	// spans is ReadOptions.Spans; runFrom and runTo are where the current
	// run of one item's rows starts and ends in the input.
	spans          SpanSink
	runFrom, runTo int64
}

// pending is one item's rows in file order.
type pending struct {
	id     string
	keys   []int64
	values []float64
	lines  []uint32
	first  cellTime // earliest time seen, which becomes Series.Start
}

func (l *loader) readHeader(cr *rows) error {
	rec, err := cr.Read()
	if err == io.EOF {
		return &ParseError{File: l.file, Err: errors.New("empty file: want a header line")}
	}
	if err != nil {
		return l.csvError(err, rec)
	}
	line, _ := cr.FieldPos(0)
	names := make([]string, len(rec))
	for i, f := range rec {
		names[i] = strings.TrimSpace(f)
	}
	l.fields = len(names)
	for _, c := range []struct {
		name string
		pos  *int
	}{{l.cols.Item, &l.item}, {l.cols.Time, &l.time}, {l.cols.Value, &l.value}} {
		if *c.pos, err = columnIndex(names, c.name); err != nil {
			return &ParseError{File: l.file, Line: line, Err: err}
		}
	}
	return nil
}

func columnIndex(names []string, want string) (int, error) {
	found := -1
	for i, n := range names {
		if n != want {
			continue
		}
		if found >= 0 {
			return 0, errorf(ErrMissingColumn, "header names column %q twice (fields %d and %d)", want, found+1, i+1)
		}
		found = i
	}
	if found < 0 {
		return 0, errorf(ErrMissingColumn, "header has no column %q (it has %s)", want, strings.Join(names, ", "))
	}
	return found, nil
}

// csvError turns an encoding/csv error into a ParseError. A row with the
// wrong number of fields points at the first missing or extra field.
func (l *loader) csvError(err error, rec []string) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &ParseError{File: l.file, Err: fmt.Errorf("reading: %w", err)}
	}
	if errors.Is(pe.Err, csv.ErrFieldCount) {
		return &ParseError{File: l.file, Line: pe.Line, Column: min(len(rec), l.fields) + 1,
			Err: fmt.Errorf("row has %d fields but the header has %d: %w", len(rec), l.fields, csv.ErrFieldCount)}
	}
	return &ParseError{File: l.file, Line: pe.Line, Column: pe.Column, Err: pe.Err}
}

func (l *loader) fieldError(line, field int, kind error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	err := errorf(kind, "column %q: %s", l.cols.name(l.role(field)), msg)
	if l.rowGroups != nil {
		return &ParseError{File: l.file, Line: line, RowGroup: l.rowGroupOf(line), Err: err}
	}
	return &ParseError{File: l.file, Line: line, Column: field + 1, Err: err}
}

// name is the column of a role: 0 item, 1 time, 2 value.
func (c Columns) name(role int) string {
	return [...]string{c.Item, c.Time, c.Value}[role]
}

// rowGroupOf is the 1-based row group holding a Parquet file's row.
func (l *loader) rowGroupOf(row int) int {
	g, _ := slices.BinarySearch(l.rowGroups, row)
	return g
}

// where names a row in messages: a CSV line, or a Parquet row.
func (l *loader) where() string {
	if l.rowGroups != nil {
		return "row"
	}
	return "line"
}

func (l *loader) role(field int) int {
	switch field {
	case l.item:
		return 0
	case l.time:
		return 1
	}
	return 2
}

// readBuffer is the size of a read's buffer: at bufio's default of 4 KiB,
// a file of a million items took 360,000 read calls, a tenth of a shard's
// read of its share.
const readBuffer = 1 << 18

// skipBOM drops the UTF-8 byte order mark that spreadsheet programs put
// before the header; left in, it would glue itself to the first column
// name, or make a quoted first name a CSV syntax error.
// It returns how many bytes it dropped.
func skipBOM(r io.Reader) (*bufio.Reader, int64) {
	br := bufio.NewReaderSize(r, readBuffer)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		_, _ = br.Discard(3)
		return br, 3
	}
	return br, 0
}

// lineOf is the line on which a field of the current row starts; a quoted
// field may span lines.
func (l *loader) lineOf(field int) int {
	line, _ := l.csv.FieldPos(field)
	return line
}

func (l *loader) addRow(rec []string) error {
	id := strings.TrimSpace(rec[l.item])
	if id == "" || id != l.rowID { // an item's rows usually follow each other: check its ID once
		if err := l.checkID(id, l.lineOf(l.item)); err != nil {
			return err
		}
		l.endRun()
		l.rowID = strings.Clone(id) // the record's fields last until the next row (rows.Read)
		l.runRow, l.runFrom = 0, l.csv.from
	} else {
		l.runRow++
	}
	l.runTo = l.csv.pos
	id = l.rowID // one copy of the ID for the whole run, which add may keep
	if l.known != nil && !l.keeps(id) {
		return nil // the earlier read checked the row; its bytes are digested
	}
	line := l.lineOf(l.time) // later errors about the row concern its time
	t, err := l.timeCell(strings.TrimSpace(rec[l.time]))
	if err != nil {
		return l.fieldError(line, l.time, ErrBadTime, "%v", err)
	}
	cell := rec[l.value]
	if l.csv != nil && l.comma != ',' {
		cell = decimalComma(cell)
	}
	v, err := parseValue(cell)
	if err != nil {
		return l.fieldError(l.lineOf(l.value), l.value, ErrBadValue, "%v", err)
	}
	return l.add(id, t, v, line)
}

// endRun tells ReadOptions.Spans where the run of rows that just ended
// lies.
func (l *loader) endRun() {
	if l.spans != nil && l.rowID != "" {
		l.spans.Run(l.rowID, Span{l.runFrom, l.runTo})
	}
}

func (l *loader) checkID(id string, line int) error {
	if id == "" {
		return l.fieldError(line, l.item, ErrBadValue, "empty item ID")
	}
	if strings.ContainsFunc(id, unicode.IsControl) {
		// A line break inside a quoted ID would not survive a round trip
		// through CSV (csv turns \r\n into \n) and is never meant.
		return l.fieldError(line, l.item, ErrBadValue, "item ID %q holds a control character", id)
	}
	return nil
}

// add records one row, whatever the file's format; line is the CSV line or
// the Parquet row number. With ReadOptions.Keep set, every row feeds the
// input's summary and only the kept items' rows are held. id is kept
// as given: it must be a string of its own, not a view of a read buffer,
// and the rows of one run of an item's rows should share it.
func (l *loader) add(id string, t cellTime, v float64, line int) error {
	if err := l.checkKind(t.kind, line); err != nil {
		return err
	}
	if l.scan != nil && l.known == nil {
		if err := l.scan.add(l, id, t, v, line); err != nil {
			return err
		}
	}
	if l.scan != nil && !l.keeps(id) {
		return nil
	}
	p := l.lookup(id)
	if len(p.keys) == 0 || t.key < p.first.key {
		p.first = t
	}
	p.keys = append(p.keys, t.key)
	p.values = append(p.values, v)
	p.lines = append(p.lines, uint32(min(int64(line), math.MaxUint32)))
	return nil
}

func (l *loader) checkKind(k timeKind, line int) error {
	if l.kind == kindUnknown {
		l.kind, l.kindLine = k, line
		return nil
	}
	if k != l.kind {
		return l.fieldError(line, l.time, ErrBadTime, "holds %s but line %d holds %s; use one kind throughout", k, l.kindLine, l.kind)
	}
	return nil
}

// keeps is keep(id), asked once for each run of one item's rows.
func (l *loader) keeps(id string) bool {
	if id != l.keptID || l.keptID == "" {
		l.keptID, l.kept = id, l.keep(id)
	}
	return l.kept
}

// maxCachedTimes bounds the time cells a read remembers parsed: the
// distinct dates of a file are few (730 for two years of days), and each
// recurs once per item.
const maxCachedTimes = 1 << 14

// timeCell is parseTimeCell, remembering what each distinct cell parsed
// to. Before it looks a cell up, it compares it with the cell at the same
// row of the previous item's run of rows (l.runRow): in a file sorted by
// item the items' runs usually list the same dates, and in one sorted by
// date each run is one row of the same date. A comparison costs a fifth
// of a lookup: the lookups were a seventh of a shard's read of its share.
func (l *loader) timeCell(s string) (cellTime, error) {
	j := l.runRow
	if j < len(l.runTimes) && l.runTimes[j].cell == s {
		return l.runTimes[j].time, nil
	}
	m, ok := l.times[s]
	if !ok {
		c, err := parseTimeCell(s)
		if err != nil || len(l.times) >= maxCachedTimes {
			return c, err
		}
		if l.times == nil {
			l.times = map[string]parsedCell{}
		}
		m = parsedCell{cell: strings.Clone(s), time: c}
		l.times[m.cell] = m
	}
	switch {
	case j < len(l.runTimes):
		l.runTimes[j] = m
	case j == len(l.runTimes) && j < maxCachedTimes:
		l.runTimes = append(l.runTimes, m)
	}
	return m.time, nil
}

// parsedCell is a time cell's text and what it parsed to.
type parsedCell struct {
	cell string
	time cellTime
}

// parseValue reads a number; an empty, NA or NaN cell is a missing value.
func parseValue(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if len(s) > 0 && len(s) <= 15 { // a count, the usual cell: exact as a float64
		if n, ok := digits(s); ok {
			return float64(n), nil
		}
	}
	if s == "" || strings.EqualFold(s, "NA") || strings.EqualFold(s, "NaN") {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, fmt.Errorf("cannot parse %q as a number", s)
	}
	return v, nil
}

func (l *loader) lookup(id string) *pending {
	if l.last >= 0 && l.items[l.last].id == id {
		return l.items[l.last]
	}
	i, ok := l.byID[id]
	if !ok {
		i = len(l.items)
		l.byID[id] = i
		l.items = append(l.items, l.newPending(id))
	}
	l.last = i
	return l.items[i]
}

// newPending sizes a new item's buffers like the previous item's: items of
// one file usually span the same periods, and growing by doubling would
// copy every row several times.
func (l *loader) newPending(id string) *pending {
	n := 0
	if l.last >= 0 {
		n = len(l.items[l.last].keys)
	}
	return &pending{id: id, keys: make([]int64, 0, n), values: make([]float64, 0, n), lines: make([]uint32, 0, n)}
}
