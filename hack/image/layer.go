package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// entry is one file or directory of a layer.
type entry struct {
	path     string      // inside the image, without a leading slash
	mode     os.FileMode // permission bits; os.ModeDir for directories
	uid, gid int
	content  []byte // files only
}

func dir(p string, mode os.FileMode, uid int) entry {
	return entry{path: p, mode: os.ModeDir | mode, uid: uid, gid: uid}
}

func file(p string, mode os.FileMode, content []byte) entry {
	return entry{path: p, mode: mode, content: content}
}

// readFile is file with the content of a file on this machine.
func readFile(p string, mode os.FileMode, src string) (entry, error) {
	b, err := os.ReadFile(src)
	if err != nil {
		return entry{}, fmt.Errorf("reading %s for /%s: %w", src, p, err)
	}
	return file(p, mode, b), nil
}

// layer builds a reproducible OCI layer: entries sorted by path, every
// parent directory present, one fixed modification time, numeric owners
// only. The same entries and time always give the same digest.
func layer(entries []entry, mtime time.Time) (v1.Layer, error) {
	entries = withParents(entries)
	sort.Slice(entries, func(i, j int) bool { return entries[i].path < entries[j].path })
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		if err := tw.WriteHeader(header(e, mtime)); err != nil {
			return nil, fmt.Errorf("writing /%s: %w", e.path, err)
		}
		if _, err := tw.Write(e.content); err != nil {
			return nil, fmt.Errorf("writing /%s: %w", e.path, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(types.OCILayer))
}

func header(e entry, mtime time.Time) *tar.Header {
	h := &tar.Header{
		Name:    e.path,
		Mode:    int64(e.mode.Perm()),
		Uid:     e.uid,
		Gid:     e.gid,
		ModTime: mtime,
		Format:  tar.FormatPAX,
	}
	if e.mode&os.ModeSticky != 0 {
		h.Mode |= 0o1000
	}
	if e.mode.IsDir() {
		h.Typeflag = tar.TypeDir
		h.Name += "/"
		return h
	}
	h.Typeflag = tar.TypeReg
	h.Size = int64(len(e.content))
	return h
}

// withParents adds a root-owned 0755 directory for every parent that the
// entries name but do not list, so that no runtime has to invent them.
func withParents(entries []entry) []entry {
	have := map[string]bool{}
	for _, e := range entries {
		have[e.path] = true
	}
	out := append([]entry(nil), entries...)
	for _, e := range entries {
		for p := path.Dir(e.path); p != "." && p != "/" && !have[p]; p = path.Dir(p) {
			have[p] = true
			out = append(out, dir(p, 0o755, 0))
		}
	}
	return out
}
