package export

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strconv"
)

// Source is one file to encode. Open is called twice: once to hash the
// content for the header, once to send it; a file that changes in between
// fails the export rather than sending a header that does not match.
type Source struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// Encode writes files to w as a stream. On failure it writes an #error
// line saying why (so a reader of the log learns it) and returns the error.
func Encode(w io.Writer, files []Source) error {
	bw := bufio.NewWriter(w)
	err := encode(bw, files)
	if err != nil {
		// Whole lines only have been written so far: the error line
		// starts on a line of its own.
		_ = WriteError(bw, err)
	}
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("writing the export stream: %w", ferr)
	}
	return err
}

// WriteError writes the #error line that ends a failed stream; for
// failures before Encode could start, such as an unreadable folder.
func WriteError(w io.Writer, err error) error {
	_, werr := fmt.Fprintf(w, "%s%s\n", errorTag, strconv.QuoteToASCII(err.Error()))
	return werr
}

func encode(w io.Writer, files []Source) error {
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		if err := ValidName(f.Name); err != nil {
			return err
		}
		if seen[f.Name] {
			return fmt.Errorf("file %q is listed twice", f.Name)
		}
		seen[f.Name] = true
	}
	if _, err := fmt.Fprintf(w, "%s files=%d\n", magic, len(files)); err != nil {
		return err
	}
	var total int64
	for i, f := range files {
		n, err := encodeFile(w, i+1, f)
		if err != nil {
			return err
		}
		total += n
	}
	_, err := fmt.Fprintf(w, "%s%d %d\n", doneTag, len(files), total)
	return err
}

// encodeFile writes one #file … #end section and returns the file's size.
func encodeFile(w io.Writer, index int, f Source) (int64, error) {
	size, sum, err := measure(f)
	if err != nil {
		return 0, err
	}
	if _, err := fmt.Fprintf(w, "%s%d %d %s %s\n", fileTag, index, size, sum, strconv.QuoteToASCII(f.Name)); err != nil {
		return 0, err
	}
	r, err := f.Open()
	if err != nil {
		return 0, fmt.Errorf("opening %s: %w", f.Name, err)
	}
	defer r.Close()
	lines := &lineWriter{w: w}
	b64 := base64.NewEncoder(base64.StdEncoding, lines)
	gz := gzip.NewWriter(b64) // no name or time in the header: equal files give equal streams
	h := sha256.New()
	n, err := io.Copy(gz, io.TeeReader(r, h))
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", f.Name, err)
	}
	for _, c := range []io.Closer{gz, b64, lines} {
		if err := c.Close(); err != nil {
			return 0, err
		}
	}
	if n != size || hexSum(h) != sum {
		return 0, fmt.Errorf("%s changed while it was exported (%d bytes, then %d)", f.Name, size, n)
	}
	_, err = fmt.Fprintf(w, "%s%d %d\n", endTag, index, lines.lines)
	return size, err
}

// measure reads a file once for the size and SHA-256 of its header.
func measure(f Source) (int64, string, error) {
	r, err := f.Open()
	if err != nil {
		return 0, "", fmt.Errorf("opening %s: %w", f.Name, err)
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return 0, "", fmt.Errorf("reading %s: %w", f.Name, err)
	}
	return n, hexSum(h), nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// lineWriter breaks base64 text into lines of LineWidth characters and
// counts them; Close ends the last, shorter line.
type lineWriter struct {
	w     io.Writer
	col   int
	lines int
}

func (l *lineWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), LineWidth-l.col)]
		if _, err := l.w.Write(chunk); err != nil {
			return written, err
		}
		written += len(chunk)
		l.col += len(chunk)
		p = p[len(chunk):]
		if l.col == LineWidth {
			if err := l.newline(); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

func (l *lineWriter) newline() error {
	l.col = 0
	l.lines++
	_, err := io.WriteString(l.w, "\n")
	return err
}

func (l *lineWriter) Close() error {
	if l.col == 0 {
		return nil
	}
	return l.newline()
}
