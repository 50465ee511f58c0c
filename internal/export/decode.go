package export

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Decode reads a stream from r. For each file it calls create with the
// file's header and writes the content to the writer it returns, checking
// size and SHA-256 as it goes; it closes every writer it was given, also
// on failure. It returns the files in stream order once the end marker is
// read. A fault in the stream is a *StreamError; the caller should discard
// what it wrote when Decode fails, since a file may be partial.
func Decode(r io.Reader, create func(File) (io.WriteCloser, error)) ([]File, error) {
	d := &decoder{r: bufio.NewReaderSize(r, maxLine), seen: map[string]bool{}}
	return d.stream(create)
}

type decoder struct {
	r    *bufio.Reader
	line int // number of the last line read
	// peeked holds a line read but not consumed: the data reader stops at
	// the first control line and leaves it for the section parser.
	peeked   *string
	file     string // name of the file being read, for errors
	lastDone string // name of the last complete file, for errors
	seen     map[string]bool
}

func (d *decoder) fault(kind error, format string, args ...any) *StreamError {
	return &StreamError{Kind: kind, Line: d.line, File: d.file, Detail: fmt.Sprintf(format, args...)}
}

// next returns the next line without its newline; ok is false at the end
// of the stream. A last line without a newline was cut off mid-line, and a
// line longer than any the encoder writes is damage.
func (d *decoder) next() (line string, ok bool, err error) {
	if d.peeked != nil {
		line, d.peeked = *d.peeked, nil
		return line, true, nil
	}
	b, err := d.r.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		d.line++
		return "", false, d.fault(ErrCorrupt, "line longer than %d bytes", maxLine)
	case err == io.EOF && len(b) == 0:
		return "", false, nil
	case err == io.EOF:
		d.line++
		return "", false, d.fault(ErrTruncated, "the last line ends without a newline: the log was cut off mid-line%s", d.afterLast())
	case err != nil:
		return "", false, fmt.Errorf("reading the export stream: %w", err)
	}
	d.line++
	// Tolerate CRLF: some tools rewrite line ends.
	return string(bytes.TrimSuffix(b[:len(b)-1], []byte("\r"))), true, nil
}

func (d *decoder) unread(line string) { d.peeked = &line }

// afterLast names the last complete file for truncation messages.
func (d *decoder) afterLast() string {
	if d.lastDone == "" {
		return ""
	}
	return fmt.Sprintf(" (last complete file: %q)", d.lastDone)
}

// control reads the next line, which must be a control line; a missing
// line is truncation, an #error line the exporter's own failure.
func (d *decoder) control(want string) (string, error) {
	line, ok, err := d.next()
	if err != nil {
		return "", err
	}
	if !ok {
		return "", d.fault(ErrTruncated, "the stream ends before %s%s", want, d.afterLast())
	}
	if msg, isErr := strings.CutPrefix(line, errorTag); isErr {
		text, uerr := strconv.Unquote(msg)
		if uerr != nil {
			text = msg
		}
		return "", d.fault(ErrExporter, "%s", text)
	}
	return line, nil
}

func (d *decoder) stream(create func(File) (io.WriteCloser, error)) ([]File, error) {
	first, err := d.control("its first line")
	if err != nil {
		return nil, err
	}
	count, err := d.header(first)
	if err != nil {
		return nil, err
	}
	var files []File
	var total int64
	for i := 1; i <= count; i++ {
		f, err := d.section(i, count, create)
		if err != nil {
			return files, err
		}
		files = append(files, f)
		total += f.Size
	}
	line, err := d.control(fmt.Sprintf("its end marker (all %d files arrived)", count))
	if err != nil {
		return files, err
	}
	if n, bytes, ok := scan(line, doneTag); !ok || n != int64(count) || bytes != total {
		return files, d.fault(ErrCorrupt, "%q is not the end marker %q", clip(line), fmt.Sprintf("%s%d %d", doneTag, count, total))
	}
	return files, nil
}

// header parses the first line. A stream that starts in the middle,
// with a section or data, lost its front to log rotation.
func (d *decoder) header(line string) (int, error) {
	if rest, ok := strings.CutPrefix(line, magic+" files="); ok {
		n, err := strconv.Atoi(rest)
		if err == nil && n >= 0 {
			return n, nil
		}
	}
	if strings.HasPrefix(line, "#forecastrun-export ") {
		return 0, d.fault(ErrCorrupt, "unsupported stream header %q (this reader knows %q)", clip(line), magic)
	}
	if strings.HasPrefix(line, fileTag) || strings.HasPrefix(line, endTag) || strings.HasPrefix(line, doneTag) || isData(line) {
		return 0, d.fault(ErrTruncated, "the stream does not start with its header but with %q: the front of the log is missing (rotated away?)", clip(line))
	}
	return 0, d.fault(ErrCorrupt, "not an export stream: the first line is %q", clip(line))
}

// section reads file index of count: header, data, end marker.
func (d *decoder) section(index, count int, create func(File) (io.WriteCloser, error)) (File, error) {
	line, err := d.control(fmt.Sprintf("file %d of %d", index, count))
	if err != nil {
		return File{}, err
	}
	f, err := d.fileHeader(line, index, count)
	if err != nil {
		return File{}, err
	}
	if d.seen[f.Name] {
		// Before create: the second copy must not replace the first.
		return File{}, d.fault(ErrCorrupt, "file %q appears twice", f.Name)
	}
	d.seen[f.Name] = true
	d.file = f.Name
	w, err := create(f)
	if err != nil {
		return f, err
	}
	data := &dataReader{d: d}
	err = d.content(f, data, w)
	if se := (*StreamError)(nil); errors.As(err, &se) && se.Kind == ErrCorrupt {
		// A file that changed while it was sent has data that does not
		// match its header, and the exporter says so right after it.
		if exp := d.exporterErrorAhead(); exp != nil {
			err = exp
		}
	}
	if cerr := w.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("writing %s: %w", f.Name, cerr)
	}
	if err != nil {
		return f, err
	}
	line, err = d.control(fmt.Sprintf("the end marker of file %d of %d", index, count))
	if err != nil {
		return f, err
	}
	i, lines, ok := scan(line, endTag)
	if !ok || i != int64(index) {
		return f, d.fault(ErrCorrupt, "%q is not the end marker of file %d", clip(line), index)
	}
	if lines != int64(data.lines) {
		return f, d.fault(ErrCorrupt, "the file had %d data lines, its end marker says %d: lines were lost or repeated", data.lines, lines)
	}
	d.file, d.lastDone = "", f.Name
	return f, nil
}

// exporterErrorAhead skips to the next control line and returns the
// exporter's failure when that line is one.
func (d *decoder) exporterErrorAhead() error {
	for {
		line, ok, err := d.next()
		if err != nil || !ok {
			return nil
		}
		if strings.HasPrefix(line, errorTag) {
			d.unread(line)
			_, err := d.control("")
			return err
		}
		if len(line) > 0 && line[0] == controlChar {
			return nil
		}
	}
}

func (d *decoder) fileHeader(line string, index, count int) (File, error) {
	rest, ok := strings.CutPrefix(line, fileTag)
	if !ok {
		return File{}, d.fault(ErrCorrupt, "%q is not the header of file %d of %d", clip(line), index, count)
	}
	fields := strings.SplitN(rest, " ", 4)
	if len(fields) != 4 {
		return File{}, d.fault(ErrCorrupt, "malformed file header %q", clip(line))
	}
	i, err1 := strconv.Atoi(fields[0])
	size, err2 := strconv.ParseInt(fields[1], 10, 64)
	name, err3 := unquote(fields[3])
	if err1 != nil || err2 != nil || err3 != nil || size < 0 || !isHexSum(fields[2]) {
		return File{}, d.fault(ErrCorrupt, "malformed file header %q", clip(line))
	}
	if i != index {
		// A lost section shows as a jump in the numbering.
		return File{}, d.fault(ErrCorrupt, "file %d of %d (%q) comes where file %d was due: a section was lost", i, count, name, index)
	}
	if err := ValidName(name); err != nil {
		return File{}, d.fault(ErrCorrupt, "%v", err)
	}
	return File{Name: name, Size: size, SHA256: fields[2]}, nil
}

// content inflates the section's data into w, checking it against f.
func (d *decoder) content(f File, data *dataReader, w io.Writer) error {
	gz, err := gzip.NewReader(data)
	if err != nil {
		return d.dataFault(data, err)
	}
	gz.Multistream(false)
	h := sha256.New()
	out := &errWriter{w: w}
	// One byte more than announced shows an overlong file without reading
	// all of it.
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(gz, f.Size+1))
	switch {
	case out.err != nil:
		return fmt.Errorf("writing %s: %w", f.Name, out.err) // the writer failed, not the stream
	case err != nil:
		return d.dataFault(data, err)
	case n > f.Size:
		return d.fault(ErrCorrupt, "the content is longer than the %d bytes its header announces", f.Size)
	case n < f.Size:
		return d.fault(ErrCorrupt, "the content has %d bytes, its header announces %d", n, f.Size)
	case hexSum(h) != f.SHA256:
		return d.fault(ErrCorrupt, "the content's SHA-256 is %s, its header announces %s", hexSum(h), f.SHA256)
	}
	// The compressed data must end where the section's data ends; the
	// inflater reads byte by byte (dataReader is an io.ByteReader), so
	// nothing past its end has been consumed.
	if _, err := data.ReadByte(); err != io.EOF {
		if data.err != nil {
			return data.err
		}
		return d.fault(ErrCorrupt, "data lines follow the end of the compressed content")
	}
	return nil
}

// dataFault explains a failed inflate: the data reader's own finding when
// it has one, else damaged compressed data.
func (d *decoder) dataFault(data *dataReader, err error) error {
	if data.err != nil {
		return data.err
	}
	if data.atControl {
		return d.fault(ErrCorrupt, "the compressed content ends early (%v): data lines were lost", err)
	}
	return d.fault(ErrCorrupt, "the compressed content is damaged (%v)", err)
}

// errWriter remembers the writer's error, to tell a failing destination
// from a damaged stream.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

// dataReader yields the decoded bytes of a section's data lines and stops,
// with io.EOF, at the next control line, which it leaves for the parser.
// Faults are kept in err so the parser can report them in place of the
// gzip reader's vaguer error.
type dataReader struct {
	d         *decoder
	buf       []byte
	lines     int
	short     bool // the last line was shorter than LineWidth: no more may follow
	atControl bool
	err       error
}

func (r *dataReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.atControl {
			return 0, io.EOF
		}
		r.err = r.fill()
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// ReadByte lets the gzip reader read without a buffer of its own, which
// would read ahead past the end of the compressed data.
func (r *dataReader) ReadByte() (byte, error) {
	var b [1]byte
	if _, err := r.Read(b[:]); err != nil {
		return 0, err
	}
	return b[0], nil
}

// fill decodes the next data line into buf, or notes the control line
// that ends the data.
func (r *dataReader) fill() error {
	d := r.d
	line, ok, err := d.next()
	if err != nil {
		return err
	}
	if !ok {
		return d.fault(ErrTruncated, "the stream ends inside the file's data (after %d lines): the log was cut off%s", r.lines, d.afterLast())
	}
	if len(line) > 0 && line[0] == controlChar {
		d.unread(line)
		r.atControl = true
		return nil
	}
	switch {
	case r.short:
		return d.fault(ErrCorrupt, "a data line follows the file's last, shorter one")
	case len(line) == 0 || len(line) > LineWidth || len(line)%4 != 0:
		return d.fault(ErrCorrupt, "data line of %d characters: not whole base64 of at most %d", len(line), LineWidth)
	}
	b, err := base64.StdEncoding.Strict().DecodeString(line)
	if err != nil {
		return d.fault(ErrCorrupt, "data line is not base64: %q", clip(line))
	}
	r.lines++
	r.short = len(line) < LineWidth || strings.HasSuffix(line, "=")
	r.buf = b
	return nil
}

// scan parses "TAG A B" with two non-negative decimal numbers.
func scan(line, tag string) (a, b int64, ok bool) {
	rest, ok := strings.CutPrefix(line, tag)
	if !ok {
		return 0, 0, false
	}
	x, y, ok := strings.Cut(rest, " ")
	if !ok {
		return 0, 0, false
	}
	a, err1 := strconv.ParseInt(x, 10, 64)
	b, err2 := strconv.ParseInt(y, 10, 64)
	return a, b, err1 == nil && err2 == nil && a >= 0 && b >= 0
}

// unquote accepts only the double-quoted form the encoder writes.
func unquote(s string) (string, error) {
	if !strings.HasPrefix(s, `"`) {
		return "", errors.New("not quoted")
	}
	return strconv.Unquote(s)
}

func isHexSum(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func isData(line string) bool {
	if line == "" || len(line) > LineWidth {
		return false
	}
	_, err := base64.StdEncoding.Strict().DecodeString(line)
	return err == nil
}

// clip shortens a line quoted in an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
