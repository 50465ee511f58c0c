package forecastcli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// defaultLock is the API's default spec.lockName.
const defaultLock = "forecast-pipeline"

const queueExample = `  # The default lock's holder and queue in the current namespace
  kubectl forecast queue

  # Another lock, in another namespace
  kubectl forecast queue --lock nightly-pipeline -n forecasting`

func newQueueCommand(g *globals) *cobra.Command {
	lock := defaultLock
	cmd := &cobra.Command{
		Use:   "queue",
		Short: "Show who holds a lock, how far it has got, and the runs waiting for it",
		Long: `Show the holder of a lock (its phase, percent done, items done of total and
the time left until its estimated completion) and the runs queued behind it
in the order the controller admits them: priority (Urgent, High, Normal),
then age, then name. Each queued run's estimated start is the time left of
the holder plus the estimated durations of the runs ahead; it is "unknown"
when one of them has no estimate yet. A holder that is not a
ForecastRun (a person or another tool holding the Lease) is shown by the
identity it wrote.`,
		Example: queueExample,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return g.showQueue(cmd.Context(), lock)
		},
	}
	cmd.Flags().StringVar(&lock, "lock", lock, "name of the lock (the Lease named in spec.lockName)")
	return cmd
}

func (g *globals) showQueue(ctx context.Context, lock string) error {
	s, err := g.connect()
	if err != nil {
		return err
	}
	var list v1alpha1.ForecastRunList
	if err := s.List(ctx, &list, client.InNamespace(s.namespace)); err != nil {
		return fmt.Errorf("listing forecastruns in namespace %s: %w", s.namespace, notFoundHint(err, s.namespace))
	}
	runs := runsOfLock(list.Items, lock)
	view, err := s.readLock(ctx, lock, runs)
	if err != nil {
		return err
	}
	now := g.now()
	printHolder(g.streams.Out, s.namespace, view, now)
	fmt.Fprintln(g.streams.Out)
	printQueue(g.streams.Out, queueOrder(waitingRuns(runs)), view.timeLeft(now), now)
	if others := otherBusyLocks(list.Items, lock); len(others) > 0 {
		fmt.Fprintf(g.streams.Out, "\nOther locks with unfinished runs in namespace %s: %s (see them with --lock NAME).\n", s.namespace, strings.Join(others, ", "))
	}
	return nil
}

// otherBusyLocks names the locks other than lock that unfinished runs use,
// so that a queue that looks empty does not hide the one that is not.
func otherBusyLocks(runs []v1alpha1.ForecastRun, lock string) []string {
	var names []string
	for _, r := range runs {
		if r.Spec.LockName != lock && !r.Status.Phase.Finished() && !slices.Contains(names, r.Spec.LockName) {
			names = append(names, r.Spec.LockName)
		}
	}
	slices.Sort(names)
	return names
}

func runsOfLock(runs []v1alpha1.ForecastRun, lock string) []v1alpha1.ForecastRun {
	var out []v1alpha1.ForecastRun
	for _, r := range runs {
		if r.Spec.LockName == lock {
			out = append(out, r)
		}
	}
	return out
}

func waitingRuns(runs []v1alpha1.ForecastRun) []v1alpha1.ForecastRun {
	var out []v1alpha1.ForecastRun
	for i := range runs {
		if runs[i].Waiting() {
			out = append(out, runs[i])
		}
	}
	return out
}

// printHolder says who holds the lock; a ForecastRun holder gets a row
// with its progress.
func printHolder(w io.Writer, ns string, v *lockView, now time.Time) {
	if v.run == nil {
		fmt.Fprintln(w, holderSentence(ns, v, now))
		return
	}
	fmt.Fprintf(w, "Lock %s in namespace %s is held by:\n", v.name, ns)
	tw := table(w)
	fmt.Fprintln(tw, "HOLDER\tPHASE\tPROGRESS\tITEMS\tETA\tAGE")
	r := v.run
	percent, items := "-", "-"
	if p := r.Status.Progress; p != nil {
		percent, items = fmt.Sprintf("%d%%", p.Percent), fmt.Sprintf("%d/%d", p.ItemsDone, p.ItemsTotal)
	}
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, orUnknown(string(r.Status.Phase), "Pending"),
		percent, items, until(r.Status.EstimatedCompletionTime, now).duration(), age(r.CreationTimestamp.Time, now))
	_ = tw.Flush()
}

// holderSentence says who holds the lock when no existing ForecastRun
// does: nobody, a run that is gone, or someone else.
func holderSentence(ns string, v *lockView, now time.Time) string {
	switch {
	case v.identity == "":
		return fmt.Sprintf("Lock %s in namespace %s is free.", v.name, ns)
	case v.run == nil && v.namesRun():
		return fmt.Sprintf("Lock %s in namespace %s is held by %s, a ForecastRun that no longer exists; the controller takes the lock over%s.",
			v.name, ns, v.holderName(), leaseRenewal(v, now))
	case v.run == nil:
		return fmt.Sprintf("Lock %s in namespace %s is held by %q, which is not a ForecastRun%s.", v.name, ns, v.identity, leaseRenewal(v, now))
	}
	return fmt.Sprintf("Lock %s in namespace %s is held by %s.", v.name, ns, v.run.Name)
}

// leaseRenewal is ", last renewed 12s ago" when the Lease says.
func leaseRenewal(v *lockView, now time.Time) string {
	if v.lease == nil || v.lease.Spec.RenewTime == nil {
		return ""
	}
	return ", last renewed " + age(v.lease.Spec.RenewTime.Time, now) + " ago"
}

// printQueue lists the queued runs in admission order with their
// estimated start.
func printQueue(w io.Writer, queue []v1alpha1.ForecastRun, holderLeft estimate, now time.Time) {
	if len(queue) == 0 {
		fmt.Fprintln(w, "No runs are queued.")
		return
	}
	starts := startEstimates(holderLeft, queue)
	tw := table(w)
	fmt.Fprintln(tw, "POSITION\tNAME\tPRIORITY\tAGE\tEST. DURATION\tESTIMATED START")
	for i, r := range queue {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", i+1, r.Name, orUnknown(string(r.Spec.Priority), string(v1alpha1.PriorityNormal)),
			age(r.CreationTimestamp.Time, now), expectedDuration(&r).duration(), starts[i])
	}
	_ = tw.Flush()
}
