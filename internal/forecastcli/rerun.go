package forecastcli

import (
	"context"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

const rerunExample = `  # Run nightly's spec again under a generated name (nightly-rerun-xxxxx)
  kubectl forecast rerun nightly

  # ... under a name of your own, printing the new object
  kubectl forecast rerun nightly --name nightly-2 -o yaml`

func newRerunCommand(g *globals) *cobra.Command {
	var newName, format string
	var wait bool
	cmd := &cobra.Command{
		Use:   "rerun NAME",
		Short: "Create a new ForecastRun with the spec of an existing one",
		Long: `Create a new run with the same spec as NAME (cancel reset to false) and its
labels and annotations, except those the server or kubectl manage. NAME may
be finished, failed or cancelled; it is left as it is.`,
		Example: rerunExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validateFormat(format); err != nil {
				return err
			}
			return g.rerun(cmd.Context(), args[0], newName, format, wait)
		},
	}
	cmd.Flags().StringVar(&newName, "name", "", "name of the new run (default: generated, NAME-rerun-xxxxx)")
	cmd.Flags().BoolVar(&wait, "wait", false, "wait until the new run finishes; exit status 1 unless it Succeeded")
	addFormatFlag(cmd, &format)
	return cmd
}

func (g *globals) rerun(ctx context.Context, name, newName, format string, wait bool) error {
	s, err := g.connect()
	if err != nil {
		return err
	}
	src, err := s.getRun(ctx, name)
	if err != nil {
		return err
	}
	return g.create(ctx, s, copyForRerun(src, newName), format, wait)
}

// copyForRerun is a new run with src's spec, cancel reset, and the labels
// and annotations a person put on src.
func copyForRerun(src *v1alpha1.ForecastRun, newName string) *v1alpha1.ForecastRun {
	run := &v1alpha1.ForecastRun{
		ObjectMeta: metav1.ObjectMeta{
			Labels:      userMetadata(src.Labels),
			Annotations: userMetadata(src.Annotations),
		},
		Spec: *src.Spec.DeepCopy(),
	}
	run.Spec.Cancel = false
	nameRun(&run.ObjectMeta, []string{newName}, rerunPrefix(src.Name))
	return run
}

// rerunPrefix is the generateName of a rerun: "<name>-rerun-", the name cut
// short so that the whole fits the 63 characters a run's name may have
// with the five the API server appends (it would cut the end off
// otherwise, "-rerun-" first).
func rerunPrefix(name string) string {
	const suffix, room = "-rerun-", 63 - 5
	return name[:min(len(name), room-len(suffix))] + suffix
}

// Labels and annotations that describe how the old object was made, not
// what was asked for: kubectl's last-applied configuration, the operator's
// own marks (forecasting.dev/: the schedule that created a run and for
// when), and the marks by which Helm, Argo CD and Flux claim an object.
// Copied, they would make a tool adopt (or prune) a run it never created.
var (
	managedKeys     = []string{"app.kubernetes.io/managed-by", "app.kubernetes.io/instance"}
	managedPrefixes = []string{"kubectl.kubernetes.io/", "forecasting.dev/", "meta.helm.sh/", "argocd.argoproj.io/", "kustomize.toolkit.fluxcd.io/", "helm.toolkit.fluxcd.io/"}
)

// userMetadata drops managed keys; nil when nothing is left.
func userMetadata(in map[string]string) map[string]string {
	var out map[string]string
	for k, v := range in {
		if isManagedKey(k) {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out
}

func isManagedKey(key string) bool {
	if slices.Contains(managedKeys, key) {
		return true
	}
	return slices.ContainsFunc(managedPrefixes, func(p string) bool { return strings.HasPrefix(key, p) })
}
