package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// platformBuild is one platform's binaries.
type platformBuild struct {
	platform v1.Platform
	bins     string // folder holding the binaries built for it
}

// options are what one invocation builds.
type options struct {
	kind      string
	platforms []platformBuild
	caCerts   string
	created   time.Time
	labels    map[string]string
}

// artifact is either a v1.Image (one platform) or a v1.ImageIndex.
type artifact interface {
	Digest() (v1.Hash, error)
}

// build returns an image for one platform, an index over several.
func build(o options) (artifact, error) {
	if len(o.platforms) == 1 {
		return buildImage(o, o.platforms[0])
	}
	var adds []mutate.IndexAddendum
	for _, p := range o.platforms {
		img, err := buildImage(o, p)
		if err != nil {
			return nil, err
		}
		plat := p.platform
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &plat}})
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	return mutate.AppendManifests(idx, adds...), nil
}

func buildImage(o options, p platformBuild) (v1.Image, error) {
	s, err := specFor(o.kind, p.bins, o.caCerts)
	if err != nil {
		return nil, err
	}
	var layers []v1.Layer
	for _, entries := range [][]entry{s.base, s.binaries} {
		l, err := layer(entries, o.created)
		if err != nil {
			return nil, err
		}
		layers = append(layers, l)
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	if img, err = mutate.AppendLayers(img, layers...); err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.Config = s.config
	cfg.Config.Labels = o.labels
	cfg.OS, cfg.Architecture, cfg.Variant = p.platform.OS, p.platform.Architecture, p.platform.Variant
	cfg.Created = v1.Time{Time: o.created}
	// The history is what `docker history` and registries' UIs show.
	cfg.History = []v1.History{
		{Created: cfg.Created, CreatedBy: "forecastrun hack/image: users, CA certificates, /tmp, home"},
		{Created: cfg.Created, CreatedBy: "forecastrun hack/image: binaries"},
	}
	return mutate.ConfigFile(img, cfg)
}

// writeLayout replaces dir with an OCI image layout holding a, named tag.
func writeLayout(dir, tag string, a artifact) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	ann := layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": tag})
	switch a := a.(type) {
	case v1.Image:
		return p.AppendImage(a, ann)
	case v1.ImageIndex:
		return p.AppendIndex(a, ann)
	}
	return fmt.Errorf("unexpected artifact %T", a)
}

// writeTarball writes a single-platform image as a docker-save tarball
// named tag.
func writeTarball(file, tag string, a artifact) error {
	img, ok := a.(v1.Image)
	if !ok {
		return fmt.Errorf("a tarball holds one platform's image; build one platform for it")
	}
	ref, err := name.NewTag(tag)
	if err != nil {
		return fmt.Errorf("a tarball needs a tag, not %q: %w", tag, err)
	}
	return tarball.WriteToFile(file, ref, img)
}

// push writes a to ref with the credentials of the docker config and its
// helpers, as docker push and crane would. Loopback and private registries
// are spoken to over plain HTTP (go-containerregistry's rule), which is what
// the local cluster's registry serves.
func push(ref string, a artifact) error {
	r, err := name.ParseReference(ref)
	if err != nil {
		return fmt.Errorf("image reference %q: %w", ref, err)
	}
	opt := remote.WithAuthFromKeychain(authn.DefaultKeychain)
	switch a := a.(type) {
	case v1.Image:
		err = remote.Write(r, a, opt)
	case v1.ImageIndex:
		err = remote.WriteIndex(r, a, opt)
	}
	if err != nil {
		return fmt.Errorf("pushing %s: %w", ref, err)
	}
	return nil
}

// parsePlatform reads os/arch[/variant]=folder.
func parsePlatform(s string) (platformBuild, error) {
	plat, folder, ok := strings.Cut(s, "=")
	if !ok || folder == "" {
		return platformBuild{}, fmt.Errorf("-platform %q: want os/arch=folder-of-binaries", s)
	}
	p, err := v1.ParsePlatform(plat)
	if err != nil {
		return platformBuild{}, fmt.Errorf("-platform %q: %w", s, err)
	}
	return platformBuild{platform: *p, bins: folder}, nil
}
