package forecastcli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const cancelExample = `  # Stop a queued or running run; it ends Cancelled and the lock is released
  kubectl forecast cancel nightly`

func newCancelCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "cancel NAME",
		Short: "Cancel a queued or running ForecastRun",
		Long: `Cancel a run by setting spec.cancel to true. A queued run leaves the queue; a
running one is stopped and releases the lock. Cancelling cannot be undone:
use 'kubectl forecast rerun NAME' to run the same spec again.`,
		Example: cancelExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.cancel(cmd.Context(), args[0])
		},
	}
}

// cancelPatch is the merge patch that asks the controller to stop a run.
var cancelPatch = client.RawPatch("application/merge-patch+json", []byte(`{"spec":{"cancel":true}}`))

func (g *globals) cancel(ctx context.Context, name string) error {
	s, err := g.connect()
	if err != nil {
		return err
	}
	said, err := s.requestCancel(ctx, name)
	if err != nil {
		return err
	}
	fmt.Fprintln(g.streams.Out, said)
	return nil
}

// requestCancel asks the controller to stop a run and says what it did:
// nothing for a run that has finished or is already being cancelled.
func (s *session) requestCancel(ctx context.Context, name string) (string, error) {
	run, err := s.getRun(ctx, name)
	if err != nil {
		return "", err
	}
	switch {
	case run.Status.Phase.Finished():
		return fmt.Sprintf("forecastrun/%s has already finished (%s); nothing to cancel", name, run.Status.Phase), nil
	case run.Spec.Cancel:
		return fmt.Sprintf("forecastrun/%s is already being cancelled (%s)", name, describeStanding(run)), nil
	}
	if err := s.Patch(ctx, run, cancelPatch); err != nil {
		return "", fmt.Errorf("cancelling forecastrun %s in namespace %s: %w", name, s.namespace, notFoundHint(err, s.namespace))
	}
	return fmt.Sprintf("forecastrun/%s cancel requested (was %s)", name, orUnknown(string(run.Status.Phase), "Pending")), nil
}
