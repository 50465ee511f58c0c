package export

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The stream's control lines; see the package comment.
const (
	magic       = "#forecastrun-export v1"
	fileTag     = "#file "
	endTag      = "#end "
	doneTag     = "#done "
	errorTag    = "#error "
	controlChar = '#'

	// LineWidth is the most base64 characters on a data line: the MIME
	// width, which no log pipeline splits.
	LineWidth = 76
	// maxLine bounds every line the decoder accepts, control lines with a
	// quoted name included, so a damaged log cannot make it buffer without
	// limit.
	maxLine = 4096
	// maxNameLen is the longest file name most filesystems allow.
	maxNameLen = 255
)

// File describes one file of a stream, as its header line gives it.
type File struct {
	Name string
	// Size is the content's length in bytes.
	Size int64
	// SHA256 is the lowercase hex SHA-256 of the content.
	SHA256 string
}

// ValidName reports whether name can travel in a stream and be written
// into a folder as is: a single path element, so that a damaged or hostile
// stream cannot write outside the reader's folder, of printable UTF-8.
func ValidName(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return fmt.Errorf("file name %q is not a file name", name)
	case len(name) > maxNameLen:
		return fmt.Errorf("file name %.40q… is longer than %d bytes", name, maxNameLen)
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("file name %q contains a path separator", name)
	case !utf8.ValidString(name):
		return fmt.Errorf("file name %q is not valid UTF-8", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("file name %q contains a control character", name)
		}
	}
	return nil
}
