package output

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes path through a temporary file in the same directory and
// renames it into place, so a reader never sees a half-written file and a
// crash leaves the previous version intact.
func WriteFile(path string, write func(io.Writer) error) (err error) {
	f, err := createPending(path)
	if err != nil {
		return err
	}
	if err := write(f.buf); err != nil {
		f.abort()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.commit()
}

// pending is a file being written under a temporary name beside path.
type pending struct {
	path string
	tmp  *os.File
	buf  *bufio.Writer
}

func createPending(path string) (*pending, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("creating temporary file for %s: %w", path, err)
	}
	return &pending{path: path, tmp: tmp, buf: bufio.NewWriterSize(tmp, 64<<10)}, nil
}

// commit flushes the file and renames it into place; on failure the
// temporary file is removed.
func (p *pending) commit() (err error) {
	defer func() {
		if err != nil {
			p.abort()
		}
	}()
	if err := p.buf.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", p.path, err)
	}
	if err := p.tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", p.path, err)
	}
	if err := p.tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", p.path, err)
	}
	if err := os.Rename(p.tmp.Name(), p.path); err != nil {
		return fmt.Errorf("replacing %s: %w", p.path, err)
	}
	return nil
}

// abort removes the temporary file.
func (p *pending) abort() {
	p.tmp.Close()
	os.Remove(p.tmp.Name())
}
