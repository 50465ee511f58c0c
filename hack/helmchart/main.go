// Command helmchart generates the operator's Helm chart (dist/chart) from
// config/, the way kubebuilder's helm plugin does: the kustomize build of
// config/default is the source of every object, and only what a value
// decides is templated. The manager's flags, their defaults and their
// descriptions come from cmd/manager itself. `make chart` runs it and
// `make verify` fails when the committed chart differs from a fresh one.
//
//	go run . -repo ../.. -out ../../dist/chart
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	repo := flag.String("repo", "../..", "the repository root")
	out := flag.String("out", "../../dist/chart", "the chart folder to write; its previous content is replaced")
	manager := flag.String("manager", "", "a built manager binary to read the flags from; `go run ./cmd/manager` when empty")
	flag.Parse()
	if err := generate(*repo, *out, *manager); err != nil {
		fmt.Fprintln(os.Stderr, "helmchart:", err)
		os.Exit(1)
	}
}

// generate writes the whole chart into a fresh folder and swaps it in, so
// that a template no longer generated does not linger.
func generate(repo, out, manager string) error {
	objs, err := buildConfig(repo)
	if err != nil {
		return err
	}
	flags, other, err := managerFlags(repo, manager)
	if err != nil {
		return err
	}
	files, err := chartFiles(objs, flags, other)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(out)), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(out)), ".chart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for name, content := range files {
		p := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}
