package main

import (
	"archive/tar"
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

// fakeBinaries writes a manager and a runner into a temporary folder.
func fakeBinaries(t *testing.T, content string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"manager", "runner"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name+content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func fakeCA(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(f, []byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func buildForecastrun(t *testing.T, bins, ca string, epoch int64) v1.Image {
	t.Helper()
	o, err := parseOptions("forecastrun", []string{"linux/amd64=" + bins}, nil, ca, epoch)
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(o)
	if err != nil {
		t.Fatal(err)
	}
	return a.(v1.Image)
}

func digest(t *testing.T, a artifact) string {
	t.Helper()
	d, err := a.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

// The same inputs give the same digest; any changed input changes it.
func TestBuildIsReproducible(t *testing.T) {
	ca := fakeCA(t)
	bins := fakeBinaries(t, "v1")
	first := digest(t, buildForecastrun(t, bins, ca, 1700000000))
	// Other folders with equal content, built later: file times on disk
	// must not leak into the image.
	time.Sleep(10 * time.Millisecond)
	if again := digest(t, buildForecastrun(t, fakeBinaries(t, "v1"), ca, 1700000000)); again != first {
		t.Errorf("rebuilding the same inputs gave %s, then %s", first, again)
	}
	if other := digest(t, buildForecastrun(t, fakeBinaries(t, "v2"), ca, 1700000000)); other == first {
		t.Errorf("a changed binary kept the digest %s", first)
	}
	if other := digest(t, buildForecastrun(t, bins, ca, 1700000001)); other == first {
		t.Errorf("a changed SOURCE_DATE_EPOCH kept the digest %s", first)
	}
}

// fileInfo is what the tests check of a file in the flattened image.
type fileInfo struct {
	mode     int64
	uid, gid int
	content  string
}

func flatten(t *testing.T, img v1.Image) map[string]fileInfo {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	files := map[string]fileInfo{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files["/"+strings.TrimSuffix(h.Name, "/")] = fileInfo{mode: h.Mode, uid: h.Uid, gid: h.Gid, content: string(b)}
	}
}

// dockerfile is what the Dockerfile's final stage promises.
type dockerfile struct {
	from       string
	user       string
	entrypoint []string
	copyDest   string
	copied     []string // base names of the files the final stage copies
}

// readDockerfile reads the final stage of the repository's Dockerfile:
// FROM, USER, ENTRYPOINT (exec form) and the COPY --from=build line.
func readDockerfile(t *testing.T) dockerfile {
	t.Helper()
	f, err := os.Open("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var d dockerfile
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		switch fields[0] {
		case "FROM":
			d = dockerfile{from: fields[1]} // a new stage starts over
		case "USER":
			d.user = fields[1]
		case "ENTRYPOINT":
			if err := json.Unmarshal([]byte(strings.TrimSpace(strings.TrimPrefix(sc.Text(), "ENTRYPOINT"))), &d.entrypoint); err != nil {
				t.Fatalf("Dockerfile ENTRYPOINT is not in exec form: %v", err)
			}
		case "COPY":
			if strings.HasPrefix(fields[1], "--from=") {
				d.copyDest = fields[len(fields)-1]
				for _, src := range fields[2 : len(fields)-1] {
					d.copied = append(d.copied, filepath.Base(src))
				}
			}
		}
	}
	return d
}

// The image built here and the Dockerfile's image promise the same things:
// the user, the entrypoint, the binaries on PATH, and what the distroless
// static nonroot base provides (users, CA certificates, a sticky /tmp).
func TestImageAgreesWithDockerfile(t *testing.T) {
	d := readDockerfile(t)
	if !strings.Contains(d.from, "distroless/static") || !strings.HasSuffix(d.from, ":nonroot") {
		t.Fatalf("the Dockerfile's final stage is FROM %s; this test and spec.go assume distroless static nonroot", d.from)
	}
	img := buildForecastrun(t, fakeBinaries(t, ""), fakeCA(t), 0)
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Config.User != d.user {
		t.Errorf("image user %q, Dockerfile USER %q", cfg.Config.User, d.user)
	}
	if !slices.Equal(cfg.Config.Entrypoint, d.entrypoint) {
		t.Errorf("image entrypoint %q, Dockerfile ENTRYPOINT %q", cfg.Config.Entrypoint, d.entrypoint)
	}
	files := flatten(t, img)
	for _, name := range d.copied {
		p := filepath.Join(d.copyDest, name)
		if fi, ok := files[p]; !ok || fi.mode&0o111 == 0 {
			t.Errorf("the Dockerfile copies %s, but the image has no executable %s (%+v)", name, p, fi)
		}
	}
	if !slices.ContainsFunc(cfg.Config.Env, func(e string) bool {
		return strings.HasPrefix(e, "PATH=") && slices.Contains(strings.Split(e[5:], ":"), strings.TrimSuffix(d.copyDest, "/"))
	}) {
		t.Errorf("image env %q lacks %s on PATH, where the Dockerfile puts the binaries", cfg.Config.Env, d.copyDest)
	}
	checkDistrolessBase(t, files, d.user)
}

func checkDistrolessBase(t *testing.T, files map[string]fileInfo, user string) {
	t.Helper()
	uid, _, _ := strings.Cut(user, ":")
	if !strings.Contains(files["/etc/passwd"].content, "nonroot:x:"+uid+":"+uid+":") {
		t.Errorf("/etc/passwd lacks nonroot with uid %s:\n%s", uid, files["/etc/passwd"].content)
	}
	if !strings.Contains(files["/etc/group"].content, "nonroot:x:"+uid+":") {
		t.Errorf("/etc/group lacks nonroot with gid %s", uid)
	}
	if ca := files["/etc/ssl/certs/ca-certificates.crt"]; !strings.Contains(ca.content, "BEGIN CERTIFICATE") {
		t.Error("no CA bundle at /etc/ssl/certs/ca-certificates.crt")
	}
	if tmp := files["/tmp"]; tmp.mode != 0o1777 {
		t.Errorf("/tmp has mode %o, want 1777", tmp.mode)
	}
	if home := files["/home/nonroot"]; home.uid != 65532 || home.gid != 65532 {
		t.Errorf("/home/nonroot owned by %d:%d, want 65532:65532", home.uid, home.gid)
	}
	for p, fi := range files {
		if p != "/home/nonroot" && (fi.uid != 0 || fi.gid != 0) {
			t.Errorf("%s is owned by %d:%d; only the home belongs to nonroot, so the runner cannot change its binaries", p, fi.uid, fi.gid)
		}
	}
}

// Several platforms make an index whose manifests name each platform.
func TestMultiPlatformIndex(t *testing.T) {
	ca := fakeCA(t)
	o, err := parseOptions("forecastrun", []string{"linux/amd64=" + fakeBinaries(t, "a"), "linux/arm64=" + fakeBinaries(t, "b")}, nil, ca, 0)
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(o)
	if err != nil {
		t.Fatal(err)
	}
	idx, ok := a.(v1.ImageIndex)
	if !ok {
		t.Fatalf("two platforms built a %T, want an index", a)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range m.Manifests {
		got = append(got, d.Platform.String())
	}
	if !slices.Equal(got, []string{"linux/amd64", "linux/arm64"}) {
		t.Errorf("index platforms %v, want linux/amd64 and linux/arm64", got)
	}
}

// Bad flags say what was wrong.
func TestParseOptionsErrors(t *testing.T) {
	for _, tc := range []struct {
		platforms, labels []string
		want              string
	}{
		{nil, nil, "-platform is required"},
		{[]string{"linux/amd64"}, nil, "want os/arch=folder"},
		{[]string{"linux/amd64=bin"}, []string{"novalue"}, "want key=value"},
	} {
		_, err := parseOptions("forecastrun", tc.platforms, tc.labels, "", 0)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseOptions(%v, %v) = %v, want an error containing %q", tc.platforms, tc.labels, err, tc.want)
		}
	}
	if _, err := specFor("docker", "", ""); err == nil || !strings.Contains(err.Error(), "unknown image") {
		t.Errorf("specFor(docker) = %v, want unknown image", err)
	}
}
