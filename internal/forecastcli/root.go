package forecastcli

import (
	"io"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/tools/clientcmd"
)

// Streams are where a command writes; tests capture them.
type Streams struct {
	Out, ErrOut io.Writer
}

// globals are the flags every subcommand shares, plus settings that tests
// shorten.
type globals struct {
	streams   Streams
	overrides clientcmd.ConfigOverrides
	loading   *clientcmd.ClientConfigLoadingRules
	// settle is how long `run` waits for the controller to give a new run
	// its first phase before printing it.
	settle time.Duration
	// poll is the interval of every wait loop.
	poll time.Duration
	// now is the clock for ages and estimates.
	now func() time.Time
	// terminal says whether a stream is a terminal, and its width: a
	// followed run's progress is then drawn as a bar. Nil: never.
	terminal func(io.Writer) (width int, ok bool)
}

const rootLong = `Start, watch and manage ForecastRuns (forecasting.dev/v1alpha1).

The namespace comes from -n/--namespace or the kubeconfig context, as with
kubectl. Installed on PATH as kubectl-forecast, this runs as
'kubectl forecast'.`

const rootExample = `  # Start a Full run on a CSV in a ConfigMap and wait for it to finish
  kubectl forecast run nightly --mode Full --dataset configmap:sales/sales.csv --wait

  # Who holds the lock, how far it has got, and what waits behind it
  kubectl forecast queue

  # Follow a run with a progress bar until it ends, then show its results
  kubectl forecast watch nightly

  # The winners of a finished run
  kubectl forecast results nightly

  # Stop a run, or start it again with the same spec
  kubectl forecast cancel nightly
  kubectl forecast rerun nightly

  # All of it in a browser: the URL to open is the first line
  kubectl forecast dashboard`

// NewRootCommand builds `kubectl forecast` and its subcommands.
func NewRootCommand(streams Streams) *cobra.Command {
	return newRoot(&globals{
		streams:  streams,
		loading:  clientcmd.NewDefaultClientConfigLoadingRules(),
		settle:   3 * time.Second,
		poll:     500 * time.Millisecond,
		now:      time.Now,
		terminal: terminalWidth,
	})
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:           "forecast",
		Annotations:   map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl forecast"},
		Short:         "Start, watch and manage ForecastRuns",
		Long:          rootLong,
		Example:       rootExample,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// kubectl plugins get completion through a kubectl_complete-* script,
	// not cobra's own command.
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetOut(g.streams.Out)
	root.SetErr(g.streams.ErrOut)
	flags := root.PersistentFlags()
	flags.StringVar(&g.loading.ExplicitPath, "kubeconfig", "", "path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
	flags.StringVar(&g.overrides.CurrentContext, "context", "", "kubeconfig context to use")
	flags.StringVarP(&g.overrides.Context.Namespace, "namespace", "n", "", "namespace of the runs (default: the context's namespace)")
	root.AddCommand(newRunCommand(g), newQueueCommand(g), newResultsCommand(g), newCancelCommand(g), newRerunCommand(g), newWatchCommand(g), newDashboardCommand(g))
	return root
}
