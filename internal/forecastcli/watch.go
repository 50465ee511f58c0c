package forecastcli

import (
	"context"

	"github.com/spf13/cobra"
)

const watchExample = `  # A progress bar until the run ends, then its winners and score
  kubectl forecast watch nightly

  # The same as plain lines, for a log file
  kubectl forecast watch nightly > nightly.log`

func newWatchCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "watch NAME",
		Short: "Follow a ForecastRun until it ends, with a progress bar, then show its results",
		Long: `Follow a run from where it stands to its end. On a terminal the last line is
a progress bar with the items done, the percent and the time left, redrawn
in place, and each change of phase or message gets a line of its own above
it; anywhere else (a file, a pipe) every change is a plain line. A run that
Succeeded ends with its summary, as 'kubectl forecast results' prints it.

The exit status is 0 when the run Succeeded and 1 for any other end, so a
script can wait on it. Ctrl-C stops watching; the run goes on.`,
		Example: watchExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.watch(cmd.Context(), args[0])
		},
	}
}

func (g *globals) watch(ctx context.Context, name string) error {
	s, err := g.connect()
	if err != nil {
		return err
	}
	run, err := s.getRun(ctx, name)
	if err != nil {
		return err
	}
	final, err := g.follow(ctx, s, run, g.streams.Out, false)
	if err != nil {
		return err
	}
	g.summarize(g.streams.Out, final)
	return endedWell(final)
}
