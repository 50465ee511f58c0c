package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The install namespace and name prefix of config/default are replaced by
// these before the build, so that every place kustomize puts them (names,
// references, the admission policy's expressions) can be found in the
// output and templated: the release's namespace and the chart's fullname.
const (
	namespacePlaceholder = "chart-release-namespace"
	prefixPlaceholder    = "chart-fullname-placeholder-"
	// configPrefix is config/default's namePrefix; objects built from other
	// folders carry it in their literal names.
	configPrefix = "forecastrun-"
)

// configObjects is what the chart is made of, as kustomize builds it.
type configObjects struct {
	install    []*yaml.RNode // config/default
	monitor    []*yaml.RNode // config/prometheus
	argocd     *yaml.RNode   // config/argocd: the argocd-cm keys
	Image      string        // config/manager's image name
	AppVersion string        // config/manager's image tag
}

// buildConfig builds config/default (with placeholders for its namespace
// and prefix), config/prometheus and config/argocd in memory.
func buildConfig(repo string) (configObjects, error) {
	var c configObjects
	mem, err := configInMemory(repo)
	if err != nil {
		return c, err
	}
	if err := setPlaceholders(mem, "/config/default/kustomization.yaml"); err != nil {
		return c, err
	}
	if c.install, err = build(mem, "/config/default"); err != nil {
		return c, err
	}
	if c.monitor, err = build(mem, "/config/prometheus"); err != nil {
		return c, err
	}
	argocd, err := build(mem, "/config/argocd")
	if err != nil {
		return c, err
	}
	if len(argocd) != 1 || argocd[0].GetKind() != "ConfigMap" {
		return c, fmt.Errorf("config/argocd: want one ConfigMap (argocd-cm), got %d objects", len(argocd))
	}
	c.argocd = argocd[0]
	c.Image, c.AppVersion, err = managerImage(mem)
	return c, err
}

// configInMemory copies config/ into an in-memory file system, where the
// kustomization of config/default can be changed without touching the tree.
func configInMemory(repo string) (filesys.FileSystem, error) {
	mem := filesys.MakeFsInMemory()
	root := filepath.Join(repo, "config")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(repo, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return mem.WriteFile("/"+filepath.ToSlash(rel), b)
	})
	if err != nil {
		return nil, fmt.Errorf("reading config/: %w", err)
	}
	return mem, nil
}

// setPlaceholders points a kustomization's namespace and namePrefix at the
// placeholders, after checking that they are what the chart expects.
func setPlaceholders(mem filesys.FileSystem, path string) error {
	b, err := mem.ReadFile(path)
	if err != nil {
		return err
	}
	k, err := yaml.Parse(string(b))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if p := fieldString(k, "namePrefix"); p != configPrefix {
		return fmt.Errorf("%s: namePrefix is %q; the chart expects %q (hack/helmchart/kustomize.go)", path, p, configPrefix)
	}
	for field, value := range map[string]string{"namespace": namespacePlaceholder, "namePrefix": prefixPlaceholder} {
		if err := k.PipeE(yaml.SetField(field, yaml.NewStringRNode(value))); err != nil {
			return err
		}
	}
	return mem.WriteFile(path, []byte(k.MustString()))
}

// build runs kustomize on a folder of the in-memory tree.
func build(mem filesys.FileSystem, dir string) ([]*yaml.RNode, error) {
	res, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(mem, dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", strings.TrimPrefix(dir, "/"), err)
	}
	var objs []*yaml.RNode
	for _, r := range res.Resources() {
		b, err := r.AsYAML()
		if err != nil {
			return nil, err
		}
		n, err := yaml.Parse(string(b))
		if err != nil {
			return nil, err
		}
		objs = append(objs, n)
	}
	return objs, nil
}

// managerImage reads the image config/manager's kustomization sets: the
// chart's default repository and its appVersion.
func managerImage(mem filesys.FileSystem) (name, tag string, err error) {
	b, err := mem.ReadFile("/config/manager/kustomization.yaml")
	if err != nil {
		return "", "", err
	}
	k, err := yaml.Parse(string(b))
	if err != nil {
		return "", "", err
	}
	img, err := k.Pipe(yaml.Lookup("images", "[name=controller]"))
	if err != nil || img == nil {
		return "", "", fmt.Errorf("config/manager/kustomization.yaml sets no image for %q", "controller")
	}
	name, tag = fieldString(img, "newName"), fieldString(img, "newTag")
	if name == "" || tag == "" {
		return "", "", fmt.Errorf("config/manager/kustomization.yaml: the image needs newName and newTag, got %q and %q", name, tag)
	}
	return name, tag, nil
}

// fieldString is the string value of a top-level field, or "".
func fieldString(n *yaml.RNode, field string) string {
	v, err := n.Pipe(yaml.Get(field))
	if err != nil || v == nil {
		return ""
	}
	return yaml.GetValue(v)
}
