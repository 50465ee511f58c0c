package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// metricsCertDir is where the manager reads a mounted metrics certificate.
const metricsCertDir = "/tmp/k8s-metrics-server/metrics-certs"

// managerDefaults are the values whose defaults config/manager decides.
type managerDefaults struct {
	Replicas       string
	LeaderElection bool
	MetricsPort    int
	MetricsEnabled bool
	Resources      string // YAML
}

// deployment templates the manager's Deployment. Everything config/manager
// says stays as it is, except what a value sets: replicas, the image, the
// flags, resources and the placement of the Pod.
func deployment(n *yaml.RNode, flags []managerFlag, other map[string]managerFlag) (string, managerDefaults, error) {
	var d managerDefaults
	pod, err := n.Pipe(yaml.Lookup("spec", "template", "spec"))
	if err != nil || pod == nil {
		return "", d, fmt.Errorf("the manager Deployment has no Pod spec")
	}
	ctr, err := pod.Pipe(yaml.Lookup("containers", "[name=manager]"))
	if err != nil || ctr == nil {
		return "", d, fmt.Errorf("the manager Deployment has no container named manager")
	}
	for _, f := range []string{"nodeSelector", "tolerations", "affinity", "priorityClassName", "imagePullSecrets", "volumes"} {
		if v, _ := pod.Pipe(yaml.Get(f)); v != nil {
			return "", d, fmt.Errorf("config/manager sets the Pod's %s, which the chart sets from values: hack/helmchart/deployment.go has to merge them", f)
		}
	}
	for _, f := range []string{"imagePullPolicy", "volumeMounts"} {
		if v, _ := ctr.Pipe(yaml.Get(f)); v != nil {
			return "", d, fmt.Errorf("config/manager sets the manager container's %s, which the chart sets from values: hack/helmchart/deployment.go has to merge them", f)
		}
	}
	d.Replicas = fieldString(n.Field("spec").Value, "replicas")
	if d.Resources, err = subtree(ctr, "resources"); err != nil {
		return "", d, err
	}
	args, err := ctr.Pipe(yaml.Lookup("args"))
	if err != nil || args == nil {
		return "", d, fmt.Errorf("the manager container has no args")
	}
	var values []string
	for _, a := range args.YNode().Content {
		values = append(values, a.Value)
	}
	argsText, err := managerArgs(values, flags, other, &d)
	if err != nil {
		return "", d, err
	}
	if err := setMarkers(n, pod, ctr); err != nil {
		return "", d, err
	}
	blocks := map[string]func(string) string{
		"labels":   labelsBlock,
		"replicas": func(in string) string { return in + "replicas: {{ .Values.controllerManager.replicas }}" },
		"image":    imageBlock,
		"args":     func(in string) string { return in + "args:\n" + indentLines(in, argsText) },
		"resources": func(in string) string {
			return in + "resources:\n" + in + "  {{- toYaml .Values.controllerManager.resources | nindent " + strconv.Itoa(len(in)+2) + " }}"
		},
		"metricsport":    func(in string) string { return in + "containerPort: {{ .Values.metrics.port }}" },
		"podlabels":      podLabelsBlock,
		"podannotations": podAnnotationsBlock,
		"podextras":      podExtrasBlock,
		"mounts":         mountsBlock,
	}
	body, err := expand(n, blocks)
	if err != nil {
		return "", d, fmt.Errorf("the manager Deployment: %w", err)
	}
	return body, d, nil
}

// setMarkers puts the markers into the Deployment where values decide.
func setMarkers(n, pod, ctr *yaml.RNode) error {
	str := yaml.NewStringRNode
	steps := []struct {
		node *yaml.RNode
		path []string
		key  string
		val  *yaml.RNode
	}{
		{n, []string{"metadata", "labels"}, marker("labels"), str("")},
		{n, []string{"spec"}, "replicas", str(marker("replicas"))},
		{n, []string{"spec", "template", "metadata", "labels"}, marker("podlabels"), str("")},
		{n, []string{"spec", "template", "metadata"}, marker("podannotations"), str("")},
		{pod, nil, marker("podextras"), str("")},
		{ctr, nil, "image", str(marker("image"))},
		{ctr, nil, "args", str(marker("args"))},
		{ctr, nil, "resources", str(marker("resources"))},
		{ctr, nil, marker("mounts"), str("")},
	}
	for _, s := range steps {
		target := s.node
		if len(s.path) > 0 {
			var err error
			if target, err = s.node.Pipe(yaml.LookupCreate(yaml.MappingNode, s.path...)); err != nil {
				return err
			}
		}
		if err := target.PipeE(yaml.SetField(s.key, s.val)); err != nil {
			return err
		}
	}
	port, err := ctr.Pipe(yaml.Lookup("ports", "[name=metrics]"))
	if err != nil || port == nil {
		return fmt.Errorf("the manager container has no port named metrics")
	}
	return port.PipeE(yaml.SetField("containerPort", str(marker("metricsport"))))
}

// managerArgs is the template of the manager's command line: config's
// arguments in their order, those a value decides templated, then the
// chart's flags and extraArgs (the flag package takes the last of a
// repeated flag, so extraArgs can override any of them).
func managerArgs(config []string, flags []managerFlag, other map[string]managerFlag, d *managerDefaults) (string, error) {
	var b strings.Builder
	for _, a := range config {
		name, value, _ := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		switch name {
		case "leader-elect":
			d.LeaderElection = value == "" || value == "true"
			b.WriteString("{{- if .Values.controllerManager.leaderElection }}\n- --leader-elect\n{{- end }}\n")
		case "metrics-bind-address":
			d.MetricsEnabled = value != "0"
			port, err := strconv.Atoi(strings.TrimPrefix(value, ":"))
			if d.MetricsEnabled && err != nil {
				return "", fmt.Errorf("config/manager: --metrics-bind-address=%s is not :PORT", value)
			}
			d.MetricsPort = port
			b.WriteString(`- --metrics-bind-address={{ if .Values.metrics.enable }}:{{ .Values.metrics.port }}{{ else }}0{{ end }}` + "\n")
		case "runner-image":
			b.WriteString(`- --runner-image={{ include "forecastrun.runnerImage" . }}` + "\n")
		default:
			if _, ok := other[name]; !ok && !strings.HasPrefix(name, "zap-") && !isChartFlag(flags, name) {
				return "", fmt.Errorf("config/manager passes --%s, which the manager does not have", name)
			}
			if isChartFlag(flags, name) {
				return "", fmt.Errorf("config/manager passes --%s, which the chart sets from manager.%s: take it out of config/manager or out of chartFlags", name, flagKey(flags, name))
			}
			q, _ := json.Marshal(a)
			b.WriteString("- " + string(q) + "\n")
		}
	}
	for _, f := range flags {
		v := ".Values.manager." + f.Key
		switch f.Kind {
		case "duration":
			fmt.Fprintf(&b, "- --%s={{ include \"forecastrun.duration\" (list %q %s) }}\n", f.Name, "manager."+f.Key, v)
		case "hosts":
			fmt.Fprintf(&b, "{{- with %s }}\n- {{ printf \"--%s=%%s\" (join \",\" .) | quote }}\n{{- end }}\n", v, f.Name)
		default:
			fmt.Fprintf(&b, "- --%s={{ %s }}\n", f.Name, v)
		}
	}
	b.WriteString("- --metrics-secure={{ .Values.metrics.secure }}\n")
	b.WriteString("- --enable-http2={{ .Values.metrics.enableHTTP2 }}\n")
	b.WriteString("{{- if .Values.metrics.certSecret }}\n- --metrics-cert-dir=" + metricsCertDir + "\n{{- end }}\n")
	b.WriteString("{{- range .Values.controllerManager.extraArgs }}\n- {{ . | quote }}\n{{- end }}\n")
	return b.String(), nil
}

func isChartFlag(flags []managerFlag, name string) bool { return flagKey(flags, name) != "" }

func flagKey(flags []managerFlag, name string) string {
	for _, f := range flags {
		if f.Name == name {
			return f.Key
		}
	}
	return ""
}

func imageBlock(in string) string {
	return in + `image: {{ include "forecastrun.image" . }}` + "\n" + in + "imagePullPolicy: {{ .Values.image.pullPolicy }}"
}

func podLabelsBlock(in string) string {
	return labelsBlock(in) + "\n" + in + "{{- with .Values.controllerManager.podLabels }}\n" +
		in + "{{- toYaml . | nindent " + strconv.Itoa(len(in)) + " }}\n" + in + "{{- end }}"
}

func podAnnotationsBlock(in string) string {
	return in + "{{- with .Values.controllerManager.podAnnotations }}\n" + in + "annotations:\n" +
		in + "  {{- toYaml . | nindent " + strconv.Itoa(len(in)+2) + " }}\n" + in + "{{- end }}"
}

// podExtrasBlock places the Pod and mounts the metrics certificate.
func podExtrasBlock(in string) string {
	var b strings.Builder
	for _, f := range []string{"nodeSelector", "tolerations", "affinity", "imagePullSecrets"} {
		src := ".Values.controllerManager." + f
		if f == "imagePullSecrets" {
			src = ".Values.image.pullSecrets"
		}
		fmt.Fprintf(&b, "%s{{- with %s }}\n%s%s:\n%s  {{- toYaml . | nindent %d }}\n%s{{- end }}\n", in, src, in, f, in, len(in)+2, in)
	}
	fmt.Fprintf(&b, "%s{{- with .Values.controllerManager.priorityClassName }}\n%spriorityClassName: {{ . }}\n%s{{- end }}\n", in, in, in)
	fmt.Fprintf(&b, "%s{{- if .Values.metrics.certSecret }}\n%svolumes:\n%s- name: metrics-certs\n%s  secret:\n%s    secretName: {{ .Values.metrics.certSecret }}\n%s{{- end }}", in, in, in, in, in, in)
	return b.String()
}

func mountsBlock(in string) string {
	return fmt.Sprintf("%s{{- if .Values.metrics.certSecret }}\n%svolumeMounts:\n%s- name: metrics-certs\n%s  mountPath: %s\n%s  readOnly: true\n%s{{- end }}", in, in, in, in, metricsCertDir, in, in)
}

// subtree writes a field of n as YAML.
func subtree(n *yaml.RNode, field string) (string, error) {
	v, err := n.Pipe(yaml.Get(field))
	if err != nil || v == nil {
		return "", fmt.Errorf("the manager container has no %s", field)
	}
	return v.String()
}
