package forecastcli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// runFlags are the flags of `run`; empty values leave the API's defaults.
type runFlags struct {
	mode, priority, whenBusy, lock string
	dataset, frequency, output     string
	metric                         string
	horizon, itemLimit             int32
	wait                           bool
	format                         string
}

const runExample = `  # A quick test (100 items) of a synthetic dataset of 400 items
  kubectl forecast run --dataset synthetic:400

  # A Full run on a CSV in a ConfigMap, results on a claim, jumping the queue
  kubectl forecast run nightly --mode Full --priority Urgent \
      --dataset configmap:sales/sales.csv --output pvc:results/runs

  # Weekly data on a claim, refused rather than queued when the lock is busy
  kubectl forecast run --dataset pvc:data/weekly/sales.csv --frequency weekly --horizon 13 --when-busy Reject

  # Start and wait until it finishes (exit status 1 unless it Succeeded)
  kubectl forecast run --dataset https://example.com/sales.csv --wait`

func newRunCommand(g *globals) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [NAME] --dataset SOURCE",
		Short: "Create a ForecastRun",
		Long: `Create a ForecastRun and print its name and where it stands: running, or
queued behind the lock's holder. Without NAME the server picks one starting
with "forecast-". Unset flags take the API's defaults (QuickTest, daily,
Normal priority, Queue when busy, lock forecast-pipeline).

--dataset is one of: ` + datasetForms + `.`,
		Example: runExample,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validateFormat(f.format); err != nil {
				return err
			}
			run, err := f.build(args)
			if err != nil {
				return err
			}
			s, err := g.connect()
			if err != nil {
				return err
			}
			return g.create(cmd.Context(), s, run, f.format, f.wait)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.dataset, "dataset", "", "input data: "+datasetForms+" (required)")
	fl.StringVar(&f.mode, "mode", "", "QuickTest (100 items), Sample (500), Standard (1000) or Full (all); default QuickTest")
	fl.StringVar(&f.priority, "priority", "", "Normal, High or Urgent; default Normal")
	fl.StringVar(&f.whenBusy, "when-busy", "", "Queue or Reject when another run holds the lock; default Queue")
	fl.StringVar(&f.lock, "lock", "", "name of the lock (a Lease) serialising runs; default forecast-pipeline")
	fl.StringVar(&f.frequency, "frequency", "", "spacing of the data: hourly, daily, weekly, monthly, quarterly or yearly; default daily")
	fl.Int32Var(&f.horizon, "horizon", 0, "periods to forecast; default from the frequency")
	fl.Int32Var(&f.itemLimit, "item-limit", 0, "forecast at most this many items, overriding the mode")
	fl.StringVar(&f.metric, "metric", "", "backtest metric: RMSSE, MASE, sMAPE, RMSE, MAE or WAPE; default RMSSE")
	fl.StringVar(&f.output, "output", "", "where result files go: pvc:CLAIM[/PATH]")
	fl.BoolVar(&f.wait, "wait", false, "wait until the run finishes; exit status 1 unless it Succeeded")
	addFormatFlag(cmd, &f.format)
	_ = cmd.MarkFlagRequired("dataset")
	return cmd
}

// build turns the flags into a ForecastRun.
func (f *runFlags) build(args []string) (*v1alpha1.ForecastRun, error) {
	ds, err := parseDataset(f.dataset)
	if err != nil {
		return nil, err
	}
	ds.Frequency = v1alpha1.Frequency(f.frequency)
	run := &v1alpha1.ForecastRun{Spec: v1alpha1.ForecastRunSpec{
		Dataset:  ds,
		Mode:     v1alpha1.Mode(f.mode),
		Priority: v1alpha1.Priority(f.priority),
		WhenBusy: v1alpha1.BusyPolicy(f.whenBusy),
		LockName: f.lock,
		Metric:   v1alpha1.Metric(f.metric),
	}}
	nameRun(&run.ObjectMeta, args, "forecast-")
	if f.horizon != 0 {
		run.Spec.Horizon = ptr.To(f.horizon)
	}
	if f.itemLimit != 0 {
		run.Spec.ItemLimit = ptr.To(f.itemLimit)
	}
	if f.output != "" {
		if run.Spec.Output, err = parseOutput(f.output); err != nil {
			return nil, err
		}
	}
	return run, nil
}

// nameRun uses the given name, or lets the server generate one.
func nameRun(meta *metav1.ObjectMeta, args []string, prefix string) {
	if len(args) > 0 && args[0] != "" {
		meta.Name = args[0]
		return
	}
	meta.GenerateName = prefix
}

// create creates run in the session's namespace and reports it: the object
// for -o, otherwise its name and first phase; --wait then follows it.
func (g *globals) create(ctx context.Context, s *session, run *v1alpha1.ForecastRun, format string, wait bool) error {
	if err := s.createRun(ctx, run); err != nil {
		return err
	}
	if format != "" && !wait {
		return printObject(g.streams.Out, format, run)
	}
	// With -o, stdout carries only the object, so the story goes to stderr.
	story := g.streams.Out
	if format != "" {
		story = g.streams.ErrOut
	}
	fmt.Fprintf(story, "forecastrun/%s created in namespace %s\n", run.Name, run.Namespace)
	settled := g.awaitPhase(ctx, s, run)
	fmt.Fprintln(story, describeStanding(settled))
	if !wait {
		return nil
	}
	return g.waitFinished(ctx, s, settled, format, story)
}

// waitFinished follows a run to its end, prints it for -o, and fails
// unless it Succeeded.
func (g *globals) waitFinished(ctx context.Context, s *session, run *v1alpha1.ForecastRun, format string, story io.Writer) error {
	final, err := g.follow(ctx, s, run, story, true)
	if err != nil {
		return err
	}
	if format != "" {
		if err := printObject(g.streams.Out, format, final); err != nil {
			return err
		}
	} else {
		g.summarize(story, final)
	}
	return endedWell(final)
}

// createRun creates run in the session's namespace.
func (s *session) createRun(ctx context.Context, run *v1alpha1.ForecastRun) error {
	run.Namespace = s.namespace
	if err := s.Create(ctx, run); err != nil {
		// The API server's validation messages name the field; show them as they are.
		return fmt.Errorf("creating the ForecastRun in namespace %s: %w", s.namespace, notFoundHint(err, s.namespace))
	}
	return nil
}
