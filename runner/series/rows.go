package series

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unsafe"
)

// rows reads CSV records as encoding/csv does with ReuseRecord set and no
// FieldsPerRecord (the first record, the header, fixes the count), but
// splits a line without quotes itself: at 60 million rows, encoding/csv's
// byte-by-byte scan for quotes was the largest part of a read. A line
// holding a quote, with the lines that continue its quoted field, goes to
// encoding/csv, so that quoting and its errors are encoding/csv's.
type rows struct {
	br     *bufio.Reader
	comma  byte
	fields int // 0 until the first record
	record []string
	// line is the number of lines read; start the line the current
	// record starts on.
	line, start int
	// pos counts the bytes read, as they are in the input; from is where
	// the current record starts.
	pos, from int64
	long      []byte // a line longer than br's buffer
	// cutCR is set when readLine dropped a \r before the end of the
	// input, which encoding/csv, given the line, drops itself.
	cutCR bool
	// crlf is set when readLine turned the line's \r\n into \n.
	crlf   bool
	quoted *csv.Reader
}

func newRows(br *bufio.Reader, comma rune) *rows {
	return &rows{br: br, comma: byte(comma)}
}

// Read returns the next record; its slice is reused by the next call.
// At the end of the input it returns io.EOF. The fields of a line without
// quotes are views of the read buffer, valid only until the next call: a
// caller that keeps one past it clones it. A string per row was a tenth
// of a read's CPU and most of its garbage.
func (r *rows) Read() ([]string, error) {
	for {
		from := r.pos
		line, err := r.readLine()
		if err != nil {
			return nil, err
		}
		r.from = from
		if len(line) == 0 || (len(line) == 1 && line[0] == '\n') {
			continue // encoding/csv skips empty lines
		}
		r.quoted, r.start = nil, r.line
		if bytes.IndexByte(line, '"') >= 0 {
			return r.readQuoted(line)
		}
		return r.split(strings.TrimSuffix(unsafe.String(&line[0], len(line)), "\n"))
	}
}

// readLine reads one line with its \n (\r\n becomes \n, and a \r before
// the end of the input is dropped, as encoding/csv does); io.EOF only
// when nothing is left.
func (r *rows) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			r.long = append(r.long, line...)
		}
		line = r.long
	}
	n := len(line)
	if n == 0 && err != nil {
		return nil, err
	}
	r.pos += int64(n)
	if err != nil && err != io.EOF {
		return nil, err
	}
	r.cutCR = err == io.EOF && line[n-1] == '\r'
	if r.cutCR {
		line = line[:n-1]
	}
	r.line++
	n = len(line)
	r.crlf = n >= 2 && line[n-2] == '\r' && line[n-1] == '\n'
	if r.crlf {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, nil
}

// split cuts a line without quotes at the delimiter.
func (r *rows) split(s string) ([]string, error) {
	rec := r.record[:0]
	for {
		i := strings.IndexByte(s, r.comma)
		if i < 0 {
			break
		}
		rec = append(rec, s[:i])
		s = s[i+1:]
	}
	rec = append(rec, s)
	r.record = rec
	return rec, r.checkCount(rec)
}

func (r *rows) checkCount(rec []string) error {
	if r.fields == 0 {
		r.fields = len(rec)
		return nil
	}
	if len(rec) != r.fields {
		return &csv.ParseError{StartLine: r.start, Line: r.start, Column: 1, Err: csv.ErrFieldCount}
	}
	return nil
}

// readQuoted parses a record with quotes by encoding/csv, from its first
// line and, while its quotes are unbalanced (a quoted field goes on), the
// lines after it up to the one that balances them: each line is read
// once, and the record parsed at most twice. A stray quote inside an
// unquoted field fails on its own line, as in encoding/csv.
func (r *rows) readQuoted(first []byte) ([]string, error) {
	chunk := r.raw(nil, first)
	quotes := bytes.Count(first, []byte{'"'})
	if quotes%2 == 1 {
		if rec, err := r.parse(chunk); errors.Is(err, csv.ErrBareQuote) {
			return rec, err
		}
	}
	for quotes%2 == 1 {
		next, err := r.readLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		chunk, quotes = r.raw(chunk, next), quotes+bytes.Count(next, []byte{'"'})
	}
	return r.parse(chunk)
}

// parse reads a chunk's first record with encoding/csv.
func (r *rows) parse(chunk []byte) ([]string, error) {
	cr := csv.NewReader(bytes.NewReader(chunk))
	cr.Comma, cr.FieldsPerRecord = rune(r.comma), r.fields
	rec, err := cr.Read()
	r.quoted = cr
	if err == nil && r.fields == 0 {
		r.fields = len(rec)
	}
	return rec, r.shift(err)
}

// raw appends a line as it was before readLine turned its \r\n into \n
// or dropped a last \r: encoding/csv does both again.
func (r *rows) raw(chunk, line []byte) []byte {
	switch {
	case r.crlf:
		return append(append(chunk, line[:len(line)-1]...), '\r', '\n')
	case r.cutCR:
		return append(append(chunk, line...), '\r')
	}
	return append(chunk, line...)
}

// shift moves a parse error's lines from the chunk's to the file's.
func (r *rows) shift(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		pe.StartLine += r.start - 1
		pe.Line += r.start - 1
	}
	return err
}

// FieldPos is the line and column on which the current record's field
// starts, as csv.Reader.FieldPos gives them.
func (r *rows) FieldPos(field int) (line, column int) {
	if r.quoted != nil {
		line, column = r.quoted.FieldPos(field)
		return line + r.start - 1, column
	}
	column = 1
	for _, f := range r.record[:field] {
		column += len(f) + 1
	}
	return r.start, column
}
