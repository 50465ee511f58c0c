// Command image builds the operator's container image, and the local
// cluster's pause and file-server images, from static binaries without a
// Docker daemon, using go-containerregistry (the library under ko and
// crane). The result is reproducible: the same binaries, CA bundle and
// -source-date-epoch give the same digest.
//
//	go run . -image forecastrun -platform linux/amd64=../../bin/linux_amd64 \
//	    -tag ghcr.io/forecastrun/forecastrun:dev [-oci-layout DIR] [-push]
//
// It prints the reference with its digest (REF@sha256:...) on stdout.
// `make image` and `make image-push` in the repository root call it.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	kind := fs.String("image", "forecastrun", "which image: forecastrun, pause or fileserver")
	var platforms, labels multiFlag
	fs.Var(&platforms, "platform", "os/arch=folder of that platform's binaries (repeat for a multi-platform index)")
	fs.Var(&labels, "label", "key=value image label (repeat)")
	ca := fs.String("ca-certs", "/etc/ssl/certs/ca-certificates.crt", "CA bundle to ship (forecastrun only)")
	epoch := fs.Int64("source-date-epoch", 0, "creation time and file times, in seconds since 1970 (reproducible builds)")
	tag := fs.String("tag", "", "image reference to name (and push) the result")
	dir := fs.String("oci-layout", "", "write an OCI image layout into this folder (replaced)")
	tarFile := fs.String("tarball", "", "write a docker-save tarball (one platform only), as kind load image-archive and docker load read")
	doPush := fs.Bool("push", false, "push to -tag")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o, err := parseOptions(*kind, platforms, labels, *ca, *epoch)
	if err != nil {
		return err
	}
	if *tag == "" {
		return fmt.Errorf("-tag is required")
	}
	a, err := build(o)
	if err != nil {
		return err
	}
	if *dir != "" {
		if err := writeLayout(*dir, *tag, a); err != nil {
			return fmt.Errorf("writing the OCI layout %s: %w", *dir, err)
		}
	}
	if *tarFile != "" {
		if err := writeTarball(*tarFile, *tag, a); err != nil {
			return fmt.Errorf("writing the tarball %s: %w", *tarFile, err)
		}
	}
	if *doPush {
		if err := push(*tag, a); err != nil {
			return err
		}
	}
	d, err := a.Digest()
	if err != nil {
		return err
	}
	fmt.Printf("%s@%s\n", *tag, d)
	return nil
}

func parseOptions(kind string, platforms, labels []string, ca string, epoch int64) (options, error) {
	o := options{kind: kind, caCerts: ca, created: time.Unix(epoch, 0).UTC()}
	if len(platforms) == 0 {
		return o, fmt.Errorf("-platform is required (e.g. linux/amd64=bin/linux_amd64)")
	}
	for _, p := range platforms {
		pb, err := parsePlatform(p)
		if err != nil {
			return o, err
		}
		o.platforms = append(o.platforms, pb)
	}
	if len(labels) > 0 {
		o.labels = map[string]string{}
	}
	for _, l := range labels {
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			return o, fmt.Errorf("-label %q: want key=value", l)
		}
		o.labels[k] = v
	}
	return o, nil
}
