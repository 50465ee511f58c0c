package forecastcli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

const resultsExample = `  # Winners, score and where the files are
  kubectl forecast results nightly

  # The same as YAML, for scripts
  kubectl forecast results nightly -o yaml

  # Copy the result files out of the run's output claim into ./nightly
  kubectl forecast results nightly --copy ./nightly`

func newResultsCommand(g *globals) *cobra.Command {
	var format string
	opts := copyOptions{timeout: 2 * time.Minute}
	cmd := &cobra.Command{
		Use:   "results NAME",
		Short: "Show the summary of a finished ForecastRun, and copy its files",
		Long: `Show status.result of a finished run: items forecast and failed, the mean
backtest score of the winners in the run's metric, how many items each model
won, and where the result files (forecasts.csv, leaderboard.csv,
summary.json, report.html) were written.

--copy DIR also copies the result files of a Succeeded run with spec.output
into DIR (created if missing): a short-lived Pod NAME-export-xxxxx mounts the
output claim read-only and prints the files with 'runner export'; the plugin
reads its log, checks every file's size and SHA-256, and writes the files
only when all arrived intact. The Pod is deleted afterwards, also on failure
or Ctrl-C. The runner image comes from the run's Job; once the Job has been
deleted (after its TTL) pass --image. It needs the rights to create, get and
delete Pods, get pods/log and get Jobs in the run's namespace.`,
		Example: resultsExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validateFormat(format); err != nil {
				return err
			}
			if opts.dir == "" && (opts.image != "" || opts.overwrite) {
				return fmt.Errorf("--image and --overwrite only apply with --copy DIR")
			}
			if opts.timeout <= 0 {
				return fmt.Errorf("--timeout must be positive")
			}
			return g.results(cmd.Context(), args[0], format, opts)
		},
	}
	addFormatFlag(cmd, &format)
	flags := cmd.Flags()
	flags.StringVar(&opts.dir, "copy", "", "copy the result files from the run's output claim into DIR")
	flags.StringVar(&opts.image, "image", "", "runner image for the copy Pod (default: the image of the run's Job)")
	flags.BoolVar(&opts.overwrite, "overwrite", false, "replace files that already exist in DIR")
	flags.DurationVar(&opts.timeout, "timeout", opts.timeout, "give up copying after this long")
	return cmd
}

func (g *globals) results(ctx context.Context, name, format string, opts copyOptions) error {
	s, err := g.connect()
	if err != nil {
		return err
	}
	run, err := s.getRun(ctx, name)
	if err != nil {
		return err
	}
	if run.Status.Result == nil {
		if opts.dir != "" {
			if err := copyable(run); err != nil {
				return err
			}
		}
		return noResult(run)
	}
	view := viewOf(run)
	if format != "" {
		err = printObject(g.streams.Out, format, view)
	} else {
		printResults(g.streams.Out, view, g.now())
	}
	if err == nil && opts.dir != "" {
		// The list of copied files would break -o json|yaml on stdout.
		w := g.streams.Out
		if format != "" {
			w = g.streams.ErrOut
		}
		err = g.copyResults(ctx, s, run, opts, w)
	}
	return err
}

// noResult explains why a run has nothing to show.
func noResult(run *v1alpha1.ForecastRun) error {
	if run.Status.Phase.Finished() {
		return fmt.Errorf("forecastrun/%s ended %s without results: %s", run.Name, run.Status.Phase, run.Status.Message)
	}
	return fmt.Errorf("forecastrun/%s has no results yet: %s", run.Name, progressLine(run))
}

// resultsView is what `results -o` prints: the result and the facts
// needed to read it.
type resultsView struct {
	Name           string               `json:"name"`
	Namespace      string               `json:"namespace"`
	Phase          v1alpha1.Phase       `json:"phase"`
	Metric         v1alpha1.Metric      `json:"metric,omitempty"`
	CompletionTime *metav1.Time         `json:"completionTime,omitempty"`
	ReusedFrom     *v1alpha1.ReusedFrom `json:"reusedFrom,omitempty"`
	Result         v1alpha1.Result      `json:"result"`
}

// GetObjectKind and DeepCopyObject make the view printable by the
// apimachinery serializer; it has no kind of its own.
func (v *resultsView) GetObjectKind() schema.ObjectKind { return schema.EmptyObjectKind }

// DeepCopyObject copies the view.
func (v *resultsView) DeepCopyObject() runtime.Object {
	c := *v
	c.Result = *v.Result.DeepCopy()
	c.CompletionTime = v.CompletionTime.DeepCopy()
	c.ReusedFrom = v.ReusedFrom.DeepCopy()
	return &c
}

func viewOf(run *v1alpha1.ForecastRun) *resultsView {
	return &resultsView{
		Name: run.Name, Namespace: run.Namespace, Phase: run.Status.Phase, Metric: run.Spec.Metric,
		CompletionTime: run.Status.CompletionTime, ReusedFrom: run.Status.ReusedFrom, Result: *run.Status.Result.DeepCopy(),
	}
}

func printResults(w io.Writer, v *resultsView, now time.Time) {
	tw := table(w)
	finished := ""
	if v.CompletionTime != nil {
		finished = ", finished " + age(v.CompletionTime.Time, now) + " ago"
	}
	fmt.Fprintf(tw, "Run:\t%s (%s%s)\n", v.Name, v.Phase, finished)
	if f := v.ReusedFrom; f != nil {
		fmt.Fprintf(tw, "Reused:\tthe result of %s, computed %s ago\n", f.Name, f.Age(now))
	}
	fmt.Fprintf(tw, "Items forecast:\t%d\n", v.Result.ItemsForecast)
	fmt.Fprintf(tw, "Items failed:\t%d\n", v.Result.ItemsFailed)
	fmt.Fprintf(tw, "Score:\t%s\n", scoreText(v))
	fmt.Fprintf(tw, "Output:\t%s\n", orUnknown(v.Result.OutputPath, "-"))
	_ = tw.Flush()
	fmt.Fprintln(w)
	printWinners(w, v.Result)
}

func scoreText(v *resultsView) string {
	if v.Result.Score == "" {
		return "- (no item could be scored)"
	}
	return fmt.Sprintf("%s (mean %s of the winners' backtests; lower is better)", v.Result.Score, orUnknown(string(v.Metric), "RMSSE"))
}

// printWinners lists models by items won, most first.
func printWinners(w io.Writer, r v1alpha1.Result) {
	models := make([]string, 0, len(r.Winners))
	total := int32(0)
	for m, n := range r.Winners {
		models = append(models, m)
		total += n
	}
	sort.Slice(models, func(i, j int) bool {
		a, b := models[i], models[j]
		return r.Winners[a] > r.Winners[b] || (r.Winners[a] == r.Winners[b] && a < b)
	})
	tw := table(w)
	fmt.Fprintln(tw, "MODEL\tITEMS WON\tSHARE")
	for _, m := range models {
		fmt.Fprintf(tw, "%s\t%d\t%.1f%%\n", m, r.Winners[m], 100*float64(r.Winners[m])/float64(max(total, 1)))
	}
	_ = tw.Flush()
}
