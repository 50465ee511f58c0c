package main

import (
	"fmt"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// clusterScoped kinds lose the namespace kustomize gives every object it
// does not know (the admission policies among them).
var clusterScoped = map[string]bool{
	"CustomResourceDefinition":         true,
	"ClusterRole":                      true,
	"ClusterRoleBinding":               true,
	"ValidatingAdmissionPolicy":        true,
	"ValidatingAdmissionPolicyBinding": true,
	"Namespace":                        true,
}

// A marker stands in the object for what a template decides; after the
// object is written as YAML, the line that holds it is replaced by
// template text. Markers are keys (`__chart_x__: ""`) where the template
// adds fields, and values where it sets one.
var markerLine = regexp.MustCompile(`^(\s*)(- )?(?:([\w.-]+): )?(?:"?__chart_(\w+)__"?)(?:: "")?\s*$`)

func marker(name string) string { return "__chart_" + name + "__" }

// expand turns an object into template text: the placeholders of the
// install namespace and name prefix become the release's, markers become
// template text, and whatever looks like a template action in the source is
// escaped so that Helm prints it as it is.
func expand(n *yaml.RNode, blocks map[string]func(indent string) string) (string, error) {
	text := n.MustString()
	text = strings.ReplaceAll(text, "{{", `{{ "{{" }}`)
	text = strings.ReplaceAll(text, prefixPlaceholder, `{{ include "forecastrun.fullname" . }}-`)
	text = strings.ReplaceAll(text, namespacePlaceholder, `{{ .Release.Namespace }}`)
	var out []string
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		m := markerLine.FindStringSubmatch(line)
		if m == nil {
			if strings.Contains(line, "__chart_") {
				return "", fmt.Errorf("a marker was written in a form the generator does not know: %q", line)
			}
			out = append(out, line)
			continue
		}
		block, ok := blocks[m[4]]
		if !ok {
			return "", fmt.Errorf("no template text for marker %s in %q", m[4], line)
		}
		indent := m[1]
		if m[2] == "" {
			out = append(out, strings.TrimRight(block(indent), "\n"))
			continue
		}
		// The first field of a list item: the block's first line takes
		// the dash.
		text := block(indent + "  ")
		first := strings.TrimPrefix(text, indent+"  ")
		if strings.HasPrefix(first, " ") || strings.HasPrefix(first, "{{") {
			return "", fmt.Errorf("marker %s is the first field of a list item, where its template text cannot start", m[4])
		}
		out = append(out, strings.TrimRight(indent+"- "+first, "\n"))
	}
	return strings.Join(out, "\n") + "\n", nil
}

// indentLines indents every line of text.
func indentLines(indent, text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = indent + l
		}
	}
	return strings.Join(lines, "\n")
}

// labelsMarker adds the chart's labels to an object's metadata.
func labelsMarker(n *yaml.RNode, path ...string) error {
	meta := append(path, "metadata", "labels")
	return n.PipeE(yaml.LookupCreate(yaml.MappingNode, meta...), yaml.SetField(marker("labels"), yaml.NewStringRNode("")))
}

// labelsBlock is the chart's standard labels.
func labelsBlock(indent string) string {
	return fmt.Sprintf(`%s{{- include "forecastrun.labels" . | nindent %d }}`, indent, len(indent))
}

// wrap makes a template render only when cond holds.
func wrap(cond, body string) string {
	if cond == "" {
		return body
	}
	return "{{- if " + cond + " }}\n" + body + "{{- end }}\n"
}

// generic turns an object of config/ into a template: the chart's labels
// added, no namespace on cluster-scoped kinds.
func generic(n *yaml.RNode, cond string, extra map[string]func(string) string) (string, error) {
	if clusterScoped[n.GetKind()] {
		if err := n.PipeE(yaml.Lookup("metadata"), yaml.Clear("namespace")); err != nil {
			return "", err
		}
	}
	if err := labelsMarker(n); err != nil {
		return "", err
	}
	blocks := map[string]func(string) string{"labels": labelsBlock}
	for k, v := range extra {
		blocks[k] = v
	}
	body, err := expand(n, blocks)
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", n.GetKind(), n.GetName(), err)
	}
	return wrap(cond, body), nil
}

// crd keeps a CRD (and so every run and schedule) when the release is
// uninstalled, unless crd.keep is false.
func crd(n *yaml.RNode) (string, error) {
	if err := n.PipeE(yaml.LookupCreate(yaml.MappingNode, "metadata", "annotations"), yaml.SetField(marker("keep"), yaml.NewStringRNode(""))); err != nil {
		return "", err
	}
	return generic(n, ".Values.crd.enable", map[string]func(string) string{
		"keep": func(indent string) string {
			return indent + "{{- if .Values.crd.keep }}\n" + indent + "helm.sh/resource-policy: keep\n" + indent + "{{- end }}"
		},
	})
}
