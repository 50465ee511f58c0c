package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
)

// managerFlag is a flag of cmd/manager that the chart sets from a value.
type managerFlag struct {
	Name    string // without dashes: lease-duration
	Key     string // its value under manager: leaseDuration
	Kind    string // duration, int or hosts (a list joined with commas)
	Default string // as the manager prints it
	Usage   string // the manager's own description
}

// chartFlags maps the manager's flags an operator sets to values under
// `manager:`, in the order values.yaml lists them.
var chartFlags = []managerFlag{
	{Name: "lease-duration", Key: "leaseDuration", Kind: "duration"},
	{Name: "default-startup-timeout", Key: "defaultStartupTimeout", Kind: "duration"},
	{Name: "default-progress-deadline", Key: "defaultProgressDeadline", Kind: "duration"},
	{Name: "default-ttl-after-finished", Key: "defaultTTLAfterFinished", Kind: "duration"},
	{Name: "job-ttl", Key: "jobTTL", Kind: "duration"},
	{Name: "dataset-allowed-hosts", Key: "datasetAllowedHosts", Kind: "hosts"},
	{Name: "workers", Key: "workers", Kind: "int"},
}

// otherFlags are the manager's flags the chart sets elsewhere (the image,
// leader election, metrics) or leaves to config/manager and extraArgs.
// A flag in neither list fails the generation, so that a new flag gets a
// value or a decision.
var otherFlags = map[string]string{
	"runner-image":              "runnerImage",
	"leader-elect":              "controllerManager.leaderElection",
	"metrics-bind-address":      "metrics.enable, metrics.port",
	"metrics-secure":            "metrics.secure",
	"metrics-cert-dir":          "metrics.certSecret",
	"enable-http2":              "metrics.enableHTTP2",
	"health-probe-bind-address": "config/manager (the probes' port)",
	"kubeconfig":                "in-cluster configuration",
	"schedule-clock-speed":      "tests and demos only",
	"schedule-clock-start":      "tests and demos only",
}

// managerFlags reads the manager's flags from its -h output and fills in
// the defaults and descriptions of chartFlags; other holds every flag the
// manager has, by name.
func managerFlags(repo, manager string) (flags []managerFlag, other map[string]managerFlag, err error) {
	cmd := exec.Command("go", "run", "./cmd/manager", "-h")
	if manager != "" {
		cmd = exec.Command(manager, "-h")
	}
	cmd.Dir = repo
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	_ = cmd.Run() // -h exits with status 2 after printing the flags
	parsed := parseFlagUsage(out.String())
	if len(parsed) == 0 {
		return nil, nil, fmt.Errorf("go run ./cmd/manager -h printed no flags:\n%s", out.String())
	}
	flags = make([]managerFlag, len(chartFlags))
	known := map[string]bool{}
	for i, f := range chartFlags {
		p, ok := parsed[f.Name]
		if !ok {
			return nil, nil, fmt.Errorf("cmd/manager has no flag --%s any more: update chartFlags in hack/helmchart/flags.go", f.Name)
		}
		f.Default, f.Usage = p.Default, p.Usage
		flags[i] = f
		known[f.Name] = true
	}
	for name := range parsed {
		if !known[name] && otherFlags[name] == "" && !strings.HasPrefix(name, "zap-") {
			return nil, nil, fmt.Errorf("cmd/manager has a flag --%s the chart does not know: add it to chartFlags or otherFlags in hack/helmchart/flags.go", name)
		}
	}
	return flags, parsed, nil
}

var (
	flagLine    = regexp.MustCompile(`^  -(\S+)(?: (\S+))?$`)
	defaultPart = regexp.MustCompile(` \(default (.*)\)$`)
)

// parseFlagUsage reads the flag package's PrintDefaults format: a line
// "  -name type" and an indented description ending in "(default X)" when
// the default is not the zero value.
func parseFlagUsage(text string) map[string]managerFlag {
	flags := map[string]managerFlag{}
	lines := strings.Split(text, "\n")
	for i := 0; i+1 < len(lines); i++ {
		m := flagLine.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		usage := strings.TrimSpace(lines[i+1])
		def := zeroValue(m[2])
		if d := defaultPart.FindStringSubmatch(usage); d != nil {
			def = strings.Trim(d[1], `"`)
			usage = strings.TrimSuffix(usage, d[0])
		}
		flags[m[1]] = managerFlag{Name: m[1], Default: def, Usage: usage}
	}
	return flags
}

// zeroValue is what the flag package leaves out of "(default ...)".
func zeroValue(kind string) string {
	switch kind {
	case "duration":
		return "0s"
	case "int", "float":
		return "0"
	case "":
		return "false"
	}
	return ""
}
