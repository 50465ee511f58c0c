package forecastcli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// datasetForms is the one-line help for --dataset, repeated in its errors.
const datasetForms = "configmap:NAME/KEY, pvc:CLAIM/PATH, http(s)://URL or synthetic[:ITEMS[xPERIODS]]"

// parseDataset turns one --dataset value into the dataset source. Only the
// shape is checked here; the API server validates the rest (names, path
// rules, URL syntax) and its messages already name the field.
func parseDataset(value string) (v1alpha1.Dataset, error) {
	kind, rest, _ := strings.Cut(value, ":")
	var (
		d   v1alpha1.Dataset
		err error
	)
	switch strings.ToLower(kind) {
	case "configmap", "cm":
		d.ConfigMap, err = parseConfigMap(rest)
	case "pvc":
		d.PersistentVolumeClaim, err = parseClaimPath(rest, true)
	case "http", "https":
		d.URL = value
	case "synthetic":
		d.Synthetic, err = parseSynthetic(rest, strings.Contains(value, ":"))
	default:
		err = fmt.Errorf("unknown source %q", kind)
	}
	if err != nil {
		return v1alpha1.Dataset{}, fmt.Errorf("invalid --dataset %q: %w; want %s", value, err, datasetForms)
	}
	return d, nil
}

// parseConfigMap reads NAME/KEY. Neither may hold a slash: ConfigMap names
// and keys cannot.
func parseConfigMap(s string) (*v1alpha1.ConfigMapSource, error) {
	name, key, ok := strings.Cut(s, "/")
	if !ok || name == "" || key == "" || strings.Contains(key, "/") {
		return nil, fmt.Errorf("a ConfigMap source is NAME/KEY")
	}
	return &v1alpha1.ConfigMapSource{Name: name, Key: key}, nil
}

// parseClaimPath reads CLAIM/PATH. A dataset needs the file's path; an
// output folder may be the volume root.
func parseClaimPath(s string, needPath bool) (*v1alpha1.VolumeSource, error) {
	claim, p, _ := strings.Cut(s, "/")
	if claim == "" {
		return nil, fmt.Errorf("a claim source is CLAIM/PATH")
	}
	if needPath && p == "" {
		return nil, fmt.Errorf("a claim source needs the file's path inside the volume: CLAIM/PATH")
	}
	return &v1alpha1.VolumeSource{ClaimName: claim, Path: p}, nil
}

// parseSynthetic reads ITEMS or ITEMSxPERIODS; bare "synthetic" keeps the
// API's defaults (3707 items of 730 periods).
func parseSynthetic(s string, hasSize bool) (*v1alpha1.SyntheticSource, error) {
	if !hasSize {
		return &v1alpha1.SyntheticSource{}, nil
	}
	items, periods, hasPeriods := strings.Cut(strings.ToLower(s), "x")
	src := &v1alpha1.SyntheticSource{}
	n, err := positive(items, "ITEMS")
	if err != nil {
		return nil, err
	}
	src.Items = n
	if hasPeriods {
		if src.Periods, err = positive(periods, "PERIODS"); err != nil {
			return nil, err
		}
	}
	return src, nil
}

func positive(s, what string) (int32, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s must be a positive whole number, not %q", what, s)
	}
	return int32(n), nil
}

// parseOutput turns --output pvc:CLAIM[/PATH] into the run's output.
func parseOutput(value string) (*v1alpha1.Output, error) {
	kind, rest, _ := strings.Cut(value, ":")
	if kind != "pvc" {
		return nil, fmt.Errorf("invalid --output %q: want pvc:CLAIM or pvc:CLAIM/PATH", value)
	}
	vs, err := parseClaimPath(rest, false)
	if err != nil {
		return nil, fmt.Errorf("invalid --output %q: %w", value, err)
	}
	return &v1alpha1.Output{PersistentVolumeClaim: vs}, nil
}
