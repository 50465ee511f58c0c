package export

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

// entry is a file to encode; order matters in a stream.
type entry struct {
	name    string
	content []byte
}

func sources(files []entry) []Source {
	var out []Source
	for _, f := range files {
		out = append(out, Source{Name: f.name, Open: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(f.content)), nil
		}})
	}
	return out
}

func encodeEntries(t testing.TB, files []entry) string {
	t.Helper()
	var b bytes.Buffer
	if err := Encode(&b, sources(files)); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return b.String()
}

// memSink collects decoded files in memory.
type memSink map[string]*bytes.Buffer

func (m memSink) create(f File) (io.WriteCloser, error) {
	b := &bytes.Buffer{}
	m[f.Name] = b
	return nopCloser{b}, nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func decodeString(s string) ([]File, memSink, error) {
	m := memSink{}
	files, err := Decode(strings.NewReader(s), m.create)
	return files, m, err
}

// results is a run folder's worth of files, with the awkward cases: an
// empty file, a name with spaces and one outside ASCII, and content big
// and random enough to span many lines.
func results() []entry {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 40<<10)
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	var csv strings.Builder
	for i := range 500 {
		fmt.Fprintf(&csv, "item_%d,%d,2026-01-01,SES,%.3f\n", i/7, i%7+1, rng.Float64()*100)
	}
	return []entry{
		{"forecasts.csv", []byte(csv.String())},
		{"leaderboard.csv", []byte("item_id,class,winner\nitem_1,smooth,SES\n")},
		{"empty.txt", nil},
		{"my report (copy).html", []byte("<html></html>")},
		{"prévision ü.json", []byte(`{"ok":true}`)},
		{"noise.bin", noise},
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []entry
	}{
		{"run folder", results()},
		{"empty folder", nil},
		{"one empty file", []entry{{"summary.json", nil}}},
		{"name with spaces", []entry{{"a file with spaces.csv", []byte("x,y\n1,2\n")}}},
		{"exactly one full line", []entry{{"f", bytes.Repeat([]byte{0}, 1)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stream := encodeEntries(t, tc.files)
			files, got, err := decodeString(stream)
			if err != nil {
				t.Fatalf("Decode: %v\nstream:\n%s", err, stream)
			}
			if len(files) != len(tc.files) {
				t.Fatalf("decoded %d files, want %d", len(files), len(tc.files))
			}
			for i, want := range tc.files {
				if files[i].Name != want.name || files[i].Size != int64(len(want.content)) {
					t.Errorf("file %d: %+v, want %q of %d bytes", i, files[i], want.name, len(want.content))
				}
				if !bytes.Equal(got[want.name].Bytes(), want.content) {
					t.Errorf("%s: content differs", want.name)
				}
			}
			checkLogSafe(t, stream)
		})
	}
}

// checkLogSafe: printable ASCII lines, data lines at most LineWidth.
func checkLogSafe(t *testing.T, stream string) {
	t.Helper()
	for i, line := range strings.Split(strings.TrimSuffix(stream, "\n"), "\n") {
		for _, c := range []byte(line) {
			if c < 0x20 || c > 0x7e {
				t.Fatalf("line %d has byte %#x: %q", i+1, c, line)
			}
		}
		if !strings.HasPrefix(line, "#") && len(line) > LineWidth {
			t.Fatalf("data line %d has %d characters", i+1, len(line))
		}
	}
}

func TestEmptyFolderStream(t *testing.T) {
	if got, want := encodeEntries(t, nil), "#forecastrun-export v1 files=0\n#done 0 0\n"; got != want {
		t.Errorf("empty stream = %q, want %q", got, want)
	}
}

// lines splits a stream into its lines, each with its newline.
func lines(s string) []string { return strings.SplitAfter(strings.TrimSuffix(s, "\n"), "\n") }

// sectionOf returns, for each line of a stream, the name of the file whose
// section holds it ("" outside sections).
func sectionOf(t *testing.T, stream string) []string {
	var names []string
	cur := ""
	for _, l := range lines(stream) {
		if strings.HasPrefix(l, fileTag) {
			_, name, _ := strings.Cut(strings.TrimSpace(l), `"`)
			var err error
			if cur, err = unquote(`"` + name); err != nil {
				t.Fatalf("header %q: %v", l, err)
			}
		}
		names = append(names, cur)
		if strings.HasPrefix(l, endTag) {
			cur = ""
		}
	}
	return names
}

// Every cut of the stream, at a line boundary or inside a line, is found,
// and one inside a section names its file.
func TestTruncationAnywhere(t *testing.T) {
	stream := encodeEntries(t, results())
	all := lines(stream)
	owner := sectionOf(t, stream)
	for n := 0; n < len(all); n++ {
		prefix := strings.Join(all[:n], "")
		_, _, err := decodeString(prefix)
		var se *StreamError
		if !errors.As(err, &se) || !errors.Is(err, ErrTruncated) {
			t.Fatalf("stream cut after %d of %d lines: %v, want ErrTruncated", n, len(all), err)
		}
		// The fault shows when line n+1 is missing: in its section, or
		// in the one the end marker closes; a missing header cannot say
		// whose it was.
		want := owner[n]
		if strings.HasPrefix(all[n], fileTag) {
			want = ""
		}
		if se.File != want {
			t.Errorf("cut after line %d: error names file %q, want %q (%v)", n, se.File, want, err)
		}
		midLine := prefix + strings.TrimSuffix(all[n], "\n")[:len(all[n])/2]
		if _, _, err := decodeString(midLine); !errors.Is(err, ErrTruncated) {
			t.Fatalf("stream cut inside line %d: %v, want ErrTruncated", n+1, err)
		}
	}
}

func TestFaults(t *testing.T) {
	stream := encodeEntries(t, results())
	all := lines(stream)
	firstData := 2 // index of the first data line of forecasts.csv
	edit := func(f func(l []string) []string) string {
		return strings.Join(f(append([]string(nil), all...)), "")
	}
	for _, tc := range []struct {
		name   string
		stream string
		kind   error
		file   string
		detail string
	}{
		{"empty input", "", ErrTruncated, "", "before its first line"},
		{"front rotated away", edit(func(l []string) []string { return l[5:] }), ErrTruncated, "", "front of the log is missing"},
		{"first header lost", edit(func(l []string) []string { return l[1:] }), ErrTruncated, "", "front of the log is missing"},
		{"not a stream", "hello world\n", ErrCorrupt, "", "not an export stream"},
		{"newer version", "#forecastrun-export v2 files=0\n#done 0 0\n", ErrCorrupt, "", "unsupported stream header"},
		{"corrupted character", edit(func(l []string) []string {
			l[firstData+3] = "!" + l[firstData+3][1:]
			return l
		}), ErrCorrupt, "forecasts.csv", "not base64"},
		{"altered but valid base64", edit(func(l []string) []string {
			b := []byte(l[firstData+3])
			b[10] = map[bool]byte{true: 'B', false: 'A'}[b[10] == 'A']
			l[firstData+3] = string(b)
			return l
		}), ErrCorrupt, "forecasts.csv", ""},
		{"lost data line", edit(func(l []string) []string { return append(l[:firstData+1], l[firstData+2:]...) }), ErrCorrupt, "forecasts.csv", ""},
		{"repeated data line", edit(func(l []string) []string {
			return append(l[:firstData+1], append([]string{l[firstData+1]}, l[firstData+1:]...)...)
		}), ErrCorrupt, "forecasts.csv", ""},
		{"long line", edit(func(l []string) []string {
			l[firstData] = strings.Repeat("A", LineWidth+4) + "\n"
			return l
		}), ErrCorrupt, "forecasts.csv", "data line of 80 characters"},
		{"size lie", edit(func(l []string) []string {
			f := strings.Fields(l[1])
			f[2] = fmt.Sprint(len(results()[0].content) - 1)
			l[1] = strings.Join(f, " ") + "\n"
			return l
		}), ErrCorrupt, "forecasts.csv", "longer than the"},
		{"checksum lie", edit(func(l []string) []string {
			f := strings.Fields(l[1])
			f[3] = strings.Repeat("0", 64)
			l[1] = strings.Join(f, " ") + "\n"
			return l
		}), ErrCorrupt, "forecasts.csv", "SHA-256"},
		{"escaping name", strings.Replace(stream, `"leaderboard.csv"`, `"../leaderboard.csv"`, 1), ErrCorrupt, "", "path separator"},
		{"section lost", edit(func(l []string) []string {
			start, end := -1, -1
			for i, x := range l {
				if strings.HasPrefix(x, "#file 2 ") {
					start = i
				}
				if strings.HasPrefix(x, "#end 2 ") {
					end = i
				}
			}
			return append(l[:start], l[end+1:]...)
		}), ErrCorrupt, "", "a section was lost"},
		{"wrong line count", edit(func(l []string) []string {
			for i, x := range l {
				if strings.HasPrefix(x, "#end 1 ") {
					l[i] = "#end 1 999\n"
				}
			}
			return l
		}), ErrCorrupt, "forecasts.csv", "end marker says 999"},
		{"wrong total", strings.Replace(stream, "#done 6 ", "#done 6 1", 1), ErrCorrupt, "", "not the end marker"},
		{"exporter failed", "#forecastrun-export v1 files=2\n#error \"reading forecasts.csv: input/output error\"\n", ErrExporter, "", "reading forecasts.csv: input/output error"},
		{"exporter failed at once", "#error \"open /output/runs/x: no such file or directory\"\n", ErrExporter, "", "no such file"},
		{"duplicate name", duplicated(t), ErrCorrupt, "", "appears twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := decodeString(tc.stream)
			var se *StreamError
			if !errors.As(err, &se) || !errors.Is(err, tc.kind) {
				t.Fatalf("Decode: %v, want %v", err, tc.kind)
			}
			if se.File != tc.file || !strings.Contains(err.Error(), tc.detail) {
				t.Errorf("Decode: %v (file %q); want file %q and %q in the message", err, se.File, tc.file, tc.detail)
			}
		})
	}
}

// duplicated is a stream with the same file twice.
func duplicated(t *testing.T) string {
	one := strings.Join(lines(encodeEntries(t, []entry{{"a", []byte("1")}}))[1:4], "")
	two := strings.NewReplacer("#file 1 ", "#file 2 ", "#end 1 ", "#end 2 ").Replace(one)
	return "#forecastrun-export v1 files=2\n" + one + two + "#done 2 2\n"
}

func TestToleratedVariations(t *testing.T) {
	stream := encodeEntries(t, results())
	for name, s := range map[string]string{
		"CRLF line ends":        strings.ReplaceAll(stream, "\n", "\r\n"),
		"lines after the end":   stream + "some later log line\n",
		"read a byte at a time": stream, // see below
	} {
		t.Run(name, func(t *testing.T) {
			r := io.Reader(strings.NewReader(s))
			if name == "read a byte at a time" {
				r = iotest.OneByteReader(r)
			}
			files, err := Decode(r, memSink{}.create)
			if err != nil || len(files) != len(results()) {
				t.Fatalf("Decode: %d files, %v", len(files), err)
			}
		})
	}
}

func TestEncodeRefuses(t *testing.T) {
	changing := 0
	for _, tc := range []struct {
		name  string
		files []Source
		want  string
	}{
		{"path in name", sources([]entry{{"a/b", nil}}), "path separator"},
		{"dot dot", sources([]entry{{"..", nil}}), "not a file name"},
		{"newline in name", sources([]entry{{"a\nb", nil}}), "control character"},
		{"twice", sources([]entry{{"a", nil}, {"a", nil}}), "listed twice"},
		{"unreadable", []Source{{Name: "a", Open: func() (io.ReadCloser, error) { return nil, errors.New("permission denied") }}}, "permission denied"},
		{"changes while read", []Source{{Name: "grows", Open: func() (io.ReadCloser, error) {
			changing++
			return io.NopCloser(strings.NewReader(strings.Repeat("x", changing))), nil
		}}}, "changed while it was exported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			err := Encode(&b, tc.files)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Encode: %v, want %q", err, tc.want)
			}
			// The stream says why, and a reader reports it.
			_, _, derr := decodeString(b.String())
			if !errors.Is(derr, ErrExporter) || !strings.Contains(derr.Error(), tc.want) {
				t.Errorf("Decode of the failed stream: %v, want ErrExporter with %q\n%s", derr, tc.want, b.String())
			}
		})
	}
}

// The decoder's writer failing is the writer's error, not a stream fault.
func TestDecodeWriterError(t *testing.T) {
	stream := encodeEntries(t, results())
	full := errors.New("no space left on device")
	_, err := Decode(strings.NewReader(stream), func(File) (io.WriteCloser, error) { return failWriter{full}, nil })
	var se *StreamError
	if !errors.Is(err, full) || errors.As(err, &se) {
		t.Errorf("Decode with a failing writer: %v, want the writer's error", err)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }
func (f failWriter) Close() error              { return nil }

func FuzzDecode(f *testing.F) {
	stream := encodeEntries(f, []entry{{"a b.csv", []byte("x,y\n1,2\n")}, {"empty", nil}, {"big", bytes.Repeat([]byte("forecast,"), 100)}})
	f.Add([]byte(stream))
	f.Add([]byte(stream[:len(stream)/2]))
	f.Add([]byte(strings.Replace(stream, "A", "B", 3)))
	f.Add([]byte("#forecastrun-export v1 files=1\n#file 1 5 " + strings.Repeat("a", 64) + " \"x\"\nH4sI\n#end 1 1\n#done 1 5\n"))
	f.Add([]byte("#error \"boom\"\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		m := memSink{}
		files, err := Decode(bytes.NewReader(data), m.create)
		if err != nil {
			return
		}
		// Whatever is accepted is what its headers announced.
		for _, file := range files {
			got := m[file.Name].Bytes()
			if int64(len(got)) != file.Size {
				t.Fatalf("%q: %d bytes accepted, header %d", file.Name, len(got), file.Size)
			}
			if ValidName(file.Name) != nil {
				t.Fatalf("accepted name %q", file.Name)
			}
		}
	})
}
