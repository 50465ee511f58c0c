package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// nonroot is the user of the operator's image: distroless's nonroot, so
// that the Dockerfile's image and this one run as the same uid, and Pod
// Security's runAsNonRoot can check it without a runAsUser.
const nonroot = 65532

// binDir is where the binaries live; the runner Job's command is the bare
// name `runner`, so the image's PATH must include binDir.
const (
	binDir  = "usr/local/bin"
	envPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	caFile  = "etc/ssl/certs/ca-certificates.crt"
)

// spec says what one image holds: a base layer that rarely changes and the
// layer of the binaries.
type spec struct {
	base     []entry
	binaries []entry
	config   v1.Config
}

// specFor builds the named image's spec from the binaries in binDirOnHost
// (one platform's build) and the CA bundle of this machine.
func specFor(kind, binDirOnHost, caCerts string) (spec, error) {
	switch kind {
	case "forecastrun":
		return forecastrunSpec(binDirOnHost, caCerts)
	case "pause":
		return singleBinarySpec(binDirOnHost, "pause", []string{"/pause"}, 65535)
	case "fileserver":
		return singleBinarySpec(binDirOnHost, "fileserver", []string{"/fileserver"}, nonroot)
	}
	return spec{}, fmt.Errorf("unknown image %q: want forecastrun, pause or fileserver", kind)
}

// forecastrunSpec is the operator's image, the equivalent of the
// Dockerfile's distroless static nonroot stage: CA certificates, passwd and
// group with nonroot, a home, /tmp (writable in a Pod only through the
// emptyDir the controller mounts, since the root filesystem is read-only),
// and the manager and runner on PATH.
func forecastrunSpec(bins, caCerts string) (spec, error) {
	ca, err := readFile(caFile, 0o644, caCerts)
	if err != nil {
		return spec{}, err
	}
	var binaries []entry
	for _, name := range []string{"manager", "runner"} {
		e, err := readFile(binDir+"/"+name, 0o755, filepath.Join(bins, name))
		if err != nil {
			return spec{}, err
		}
		binaries = append(binaries, e)
	}
	return spec{
		base: append(users(), ca,
			dir("tmp", 0o777|os.ModeSticky, 0),
			dir("home/nonroot", 0o700, nonroot)),
		binaries: binaries,
		config: v1.Config{
			User:       userSpec(nonroot),
			Entrypoint: []string{"manager"},
			Env:        []string{envPath, "SSL_CERT_FILE=/" + caFile},
			WorkingDir: "/home/nonroot",
		},
	}, nil
}

// singleBinarySpec is a one-binary image of the local cluster (the Pod
// sandbox's pause, a test fixture's file server).
func singleBinarySpec(bins, name string, entrypoint []string, uid int) (spec, error) {
	b, err := readFile(name, 0o755, filepath.Join(bins, name))
	if err != nil {
		return spec{}, err
	}
	return spec{
		base:     users(),
		binaries: []entry{b},
		config:   v1.Config{User: userSpec(uid), Entrypoint: entrypoint, Env: []string{envPath}},
	}, nil
}

// users is /etc/passwd and /etc/group with root, nonroot and nobody, as
// distroless has them, and the resolver configuration Go reads.
func users() []entry {
	passwd := "root:x:0:0:root:/root:/sbin/nologin\n" +
		"nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n" +
		"nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
	group := "root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n"
	return []entry{
		file("etc/passwd", 0o644, []byte(passwd)),
		file("etc/group", 0o644, []byte(group)),
		file("etc/nsswitch.conf", 0o644, []byte("hosts: files dns\n")),
	}
}

func userSpec(uid int) string { return strconv.Itoa(uid) + ":" + strconv.Itoa(uid) }
