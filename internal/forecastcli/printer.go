package forecastcli

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// addFormatFlag adds -o/--output-format json|yaml.
func addFormatFlag(cmd *cobra.Command, format *string) {
	cmd.Flags().StringVarP(format, "output-format", "o", "", "print the object as json or yaml instead of text")
}

// printObject writes obj as indented JSON or YAML. The apimachinery
// serializer is used because it is how kubectl renders objects and it
// needs no YAML library of our own.
func printObject(w io.Writer, format string, obj runtime.Object) error {
	if run, ok := obj.(*v1alpha1.ForecastRun); ok {
		obj = forDisplay(run)
	}
	var opts kjson.SerializerOptions
	switch format {
	case "json":
		opts.Pretty = true
	case "yaml":
		opts.Yaml = true
	default:
		return fmt.Errorf("unknown output format %q: use json or yaml", format)
	}
	if err := kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, nil, nil, opts).Encode(obj, w); err != nil {
		return fmt.Errorf("printing as %s: %w", format, err)
	}
	if format == "json" {
		fmt.Fprintln(w) // the pretty encoder ends without a newline
	}
	return nil
}

// forDisplay is the run as `kubectl get -o` shows it: with its kind, and
// without managedFields.
func forDisplay(run *v1alpha1.ForecastRun) *v1alpha1.ForecastRun {
	out := run.DeepCopy()
	out.APIVersion, out.Kind = v1alpha1.GroupVersion.String(), "ForecastRun"
	out.ManagedFields = nil
	return out
}

// validateFormat fails early on an unknown -o value, before anything is
// created.
func validateFormat(format string) error {
	if format == "" || format == "json" || format == "yaml" {
		return nil
	}
	return fmt.Errorf("unknown output format %q: use json or yaml", format)
}

// table writes aligned columns the way kubectl does.
func table(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
}

// age is a kubectl-style age: "5m", "2d3h".
func age(since, now time.Time) string {
	if since.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(since))
}
