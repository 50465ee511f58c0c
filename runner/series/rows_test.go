package series

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"testing"
)

// rowsInputs are CSV texts that take every path of rows: plain lines,
// \r\n and a lone \r, empty lines, a missing last newline, quoted fields
// (with delimiters, doubled quotes and line breaks inside), bare and
// unbalanced quotes, and rows with too few or too many fields.
var rowsInputs = []string{
	"a,b,c\n1,2,3\n4,5,6\n",
	"a,b,c\r\n1,2,3\r\n\r\n4,5,6",
	"a,b,c\n1,2,3\r",
	"a,b,c\n\n\n1,2,3\n\n",
	"a,b,c\n1,2\n",
	"a,b,c\n1,2,3,4\n",
	"a,\"b\",c\n\"x,y\",2,\"q\"\"q\"\n5,6,7\n",
	"a,b,c\n\"line\nbreak\",2,3\n4,5,6\n",
	"a,b,c\n\"one\ntwo\nthree\",2\n4,5,6\n",
	"a,b,c\nab\"c,2,3\n4,5,6\n",
	"a,b,c\n\"ab\"c,2,3\n4,5,6\n",
	"a,b,c\n\"open,2,3\n4,5,6\n",
	"a,b,c\n1,\"2\",3\r\n4,5\r,6\n",
	"\"a\",\"b\"\n1,2\n\"3\",\"4\n\"\n",
	"a;b;c\n1;\"2;3\";4\n",
	"",
	"\n\n",
	"a,b\n,\n,,\n",
}

// TestRowsReadAsEncodingCSV reads each input with rows and with
// encoding/csv and wants the same records, field positions and errors.
func TestRowsReadAsEncodingCSV(t *testing.T) {
	for i, in := range rowsInputs {
		comma := ','
		if strings.HasPrefix(in, "a;") {
			comma = ';'
		}
		if got, want := readAllRows(in, comma), readAllCSV(in, comma); got != want {
			t.Errorf("input %d %q:\n got %s\nwant %s", i, in, got, want)
		}
	}
}

// FuzzRows checks rows against encoding/csv on any input.
func FuzzRows(f *testing.F) {
	for _, in := range rowsInputs {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if got, want := readAllRows(in, ','), readAllCSV(in, ','); got != want {
			t.Fatalf("input %q:\n got %s\nwant %s", in, got, want)
		}
	})
}

// readAllRows describes every record rows reads: its fields with their
// positions, or the error, until the first error.
func readAllRows(in string, comma rune) string {
	r := newRows(bufio.NewReaderSize(strings.NewReader(in), 16), comma)
	return describe(r.Read, r.FieldPos)
}

func readAllCSV(in string, comma rune) string {
	r := csv.NewReader(strings.NewReader(in))
	r.ReuseRecord, r.Comma = true, comma
	return describe(r.Read, r.FieldPos)
}

func describe(read func() ([]string, error), pos func(int) (int, int)) string {
	var b bytes.Buffer
	for {
		rec, err := read()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			fmt.Fprintf(&b, "error %v (record %q)", err, rec)
			return b.String()
		}
		for i, f := range rec {
			line, col := pos(i)
			fmt.Fprintf(&b, "%q@%d:%d ", f, line, col)
		}
		b.WriteString("| ")
	}
}
