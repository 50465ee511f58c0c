// Command kubectl-forecast is the kubectl plugin `kubectl forecast`: it
// starts, queues, inspects, cancels and reruns ForecastRuns. On PATH,
// kubectl finds it by its name.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/forecastrun/forecastrun/internal/forecastcli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := forecastcli.NewRootCommand(forecastcli.Streams{Out: os.Stdout, ErrOut: os.Stderr}).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
