// Package export is the text stream that carries a run's result files out
// of its output volume through a Pod's log: `runner export` encodes a
// folder to stdout and `kubectl forecast results --copy` decodes what
// `kubectl logs` returns. A log is the only way out that needs no exec,
// attach or port-forward rights and no shell in the (distroless) image.
//
// Logs are line-oriented, may be rotated away at the front or cut off at
// the end, and are read by tools that choke on long lines or binary bytes,
// so the stream is plain ASCII lines of at most 76 characters of data, and
// every part of it is counted or checksummed so that a reader notices what
// is missing or damaged instead of writing a short file:
//
//	#forecastrun-export v1 files=N
//	#file I SIZE SHA256 "NAME"
//	H4sIAAAAAAAA/…      base64 of the gzip-compressed content, ≤76 characters a line
//	…
//	#end I LINES
//	…                   (one #file … #end section per file, I = 1..N)
//	#done N BYTES
//
// N is the number of files; I numbers them from 1 so a lost section shows;
// SIZE is the file's length in bytes and SHA256 the lowercase hex SHA-256
// of its content (not of the compressed form), both known before the data
// so a reader can check as it goes; NAME is the file's base name quoted
// with Go's strconv.QuoteToASCII (so spaces and any other byte survive);
// LINES counts the data lines of the section; BYTES is the sum of the
// sizes. Control lines start with '#', which base64 never produces. An
// empty folder is the first line followed by "#done 0 0".
//
// When the exporter fails it writes `#error "MESSAGE"` (quoted like NAME)
// and stops, so the reader can say why rather than only that the stream
// ended early. Lines after #done are not read.
//
// Decode checks, and reports as ErrTruncated, ErrCorrupt or ErrExporter
// wrapped in a *StreamError naming the line and file: a missing first line
// (the front of the log was rotated away), a stream that ends before #done
// or in the middle of a line (a cut-off log), a section out of order,
// data that is not base64 or not gzip, and content whose size or SHA-256
// differs from its header.
package export
