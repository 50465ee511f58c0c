package source

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/forecastrun/forecastrun/runner/series"
)

// Decode reads one dataset file from r in the format it holds: Parquet
// when it starts with Parquet's magic bytes (or, when it is shorter than
// them, when name ends in .parquet), CSV otherwise. name names the file in
// errors. Every transport hands its reader here, so that a new one gets
// both formats. Parquet needs random access: a reader that is an
// io.ReaderAt with a Size method (bytes.Reader, io.SectionReader) or an
// *os.File is read in place, any other is first copied to a temporary
// file, which is removed before Decode returns.
func Decode(name string, r io.Reader, opts series.ReadOptions) (*series.Dataset, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(len(series.ParquetMagic)) // a shorter head is checked by name
	if !series.IsParquet(name, head) {
		return series.Read(br, name, opts)
	}
	if ra, size, ok := randomAccess(r); ok {
		return series.ReadParquet(ra, size, name, opts)
	}
	return decodeSpooled(name, br, opts)
}

// randomAccess reports whether r can be read at any offset, and its size.
func randomAccess(r io.Reader) (io.ReaderAt, int64, bool) {
	switch v := r.(type) {
	case interface {
		io.ReaderAt
		Size() int64
	}:
		return v, v.Size(), true
	case *os.File:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			return v, fi.Size(), true
		}
	}
	return nil, 0, false
}

// decodeSpooled copies a streamed Parquet file (a download) to a
// temporary file and reads it from there.
func decodeSpooled(name string, r io.Reader, opts series.ReadOptions) (*series.Dataset, error) {
	tmp, err := os.CreateTemp("", "dataset-*.parquet")
	if err != nil {
		return nil, fmt.Errorf("loading dataset %s: keeping the Parquet file while it is read: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	size, err := io.Copy(tmp, r)
	if err != nil {
		return nil, fmt.Errorf("loading dataset %s: %w", name, err)
	}
	return series.ReadParquet(tmp, size, name, opts)
}
