package forecastcli

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

func TestParseDataset(t *testing.T) {
	tests := []struct {
		value string
		want  v1alpha1.Dataset
	}{
		{"configmap:sales/sales.csv", v1alpha1.Dataset{ConfigMap: &v1alpha1.ConfigMapSource{Name: "sales", Key: "sales.csv"}}},
		{"cm:sales/sales.csv", v1alpha1.Dataset{ConfigMap: &v1alpha1.ConfigMapSource{Name: "sales", Key: "sales.csv"}}},
		{"pvc:data/weekly/sales.csv", v1alpha1.Dataset{PersistentVolumeClaim: &v1alpha1.VolumeSource{ClaimName: "data", Path: "weekly/sales.csv"}}},
		{"https://example.com/a.csv?x=1", v1alpha1.Dataset{URL: "https://example.com/a.csv?x=1"}},
		{"http://example.com/a.csv", v1alpha1.Dataset{URL: "http://example.com/a.csv"}},
		{"synthetic", v1alpha1.Dataset{Synthetic: &v1alpha1.SyntheticSource{}}},
		{"synthetic:400", v1alpha1.Dataset{Synthetic: &v1alpha1.SyntheticSource{Items: 400}}},
		{"synthetic:400x200", v1alpha1.Dataset{Synthetic: &v1alpha1.SyntheticSource{Items: 400, Periods: 200}}},
	}
	for _, tc := range tests {
		got, err := parseDataset(tc.value)
		if err != nil {
			t.Errorf("parseDataset(%q): %v", tc.value, err)
			continue
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("parseDataset(%q) (-want +got):\n%s", tc.value, d)
		}
	}
}

func TestParseDatasetRejectsMalformed(t *testing.T) {
	for value, why := range map[string]string{
		"":                  `unknown source ""`,
		"sales.csv":         `unknown source "sales.csv"`,
		"s3://bucket/x.csv": `unknown source "s3"`,
		"configmap:sales":   "NAME/KEY",
		"configmap:/k":      "NAME/KEY",
		"configmap:a/b/c":   "NAME/KEY",
		"pvc:data":          "needs the file's path",
		"pvc:/x.csv":        "CLAIM/PATH",
		"synthetic:many":    `ITEMS must be a positive whole number, not "many"`,
		"synthetic:0":       "ITEMS must be a positive",
		"synthetic:10x":     "PERIODS must be a positive",
	} {
		_, err := parseDataset(value)
		if err == nil || !strings.Contains(err.Error(), why) || !strings.Contains(err.Error(), datasetForms) {
			t.Errorf("parseDataset(%q) = %v; want an error saying %q and listing the forms", value, err, why)
		}
	}
}

func TestParseOutput(t *testing.T) {
	got, err := parseOutput("pvc:results/runs/nightly")
	want := &v1alpha1.Output{PersistentVolumeClaim: &v1alpha1.VolumeSource{ClaimName: "results", Path: "runs/nightly"}}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("parseOutput = %+v, %v; want %+v", got, err, want)
	}
	if got, err := parseOutput("pvc:results"); err != nil || got.PersistentVolumeClaim.Path != "" {
		t.Errorf("parseOutput(pvc:results) = %+v, %v; want the volume root", got, err)
	}
	if _, err := parseOutput("/tmp/out"); err == nil || !strings.Contains(err.Error(), "pvc:CLAIM") {
		t.Errorf("parseOutput(/tmp/out) = %v; want an error naming the form", err)
	}
}
