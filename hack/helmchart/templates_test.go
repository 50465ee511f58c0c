package main

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestExpand(t *testing.T) {
	n := yaml.MustParse(`kind: Deployment
metadata:
  name: ` + prefixPlaceholder + `controller-manager
  namespace: ` + namespacePlaceholder + `
  annotations:
    note: "{{ not a template }}"
  labels:
    __chart_labels__: ""
spec:
  containers:
  - args: __chart_args__
    image: __chart_image__
`)
	got, err := expand(n, map[string]func(string) string{
		"labels": labelsBlock,
		"args":   func(in string) string { return in + "args:\n" + in + "- --x" },
		"image":  imageBlock,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `kind: Deployment
metadata:
  name: {{ include "forecastrun.fullname" . }}-controller-manager
  namespace: {{ .Release.Namespace }}
  annotations:
    note: "{{ "{{" }} not a template }}"
  labels:
    {{- include "forecastrun.labels" . | nindent 4 }}
spec:
  containers:
  - args:
    - --x
    image: {{ include "forecastrun.image" . }}
    imagePullPolicy: {{ .Values.image.pullPolicy }}
`
	if got != want {
		t.Errorf("expand:\n%s\nwant:\n%s", got, want)
	}
}

func TestExpandRefusesUnknownMarkers(t *testing.T) {
	n := yaml.MustParse("spec:\n  replicas: __chart_nope__\n")
	if _, err := expand(n, nil); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("expand with an unknown marker: %v", err)
	}
}
