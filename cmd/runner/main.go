package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/forecastrun/forecastrun/runner/job"
)

// env is what a subcommand may touch besides its arguments, so tests can
// run subcommands in-process.
type env struct {
	stdout, stderr io.Writer
	// stderrFile is the real stderr when it is one; progress output checks
	// it for a terminal.
	stderrFile *os.File
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, e env) error
}

// commands maps subcommand names to their implementations; a new
// subcommand (the in-cluster `job`) only needs an entry here.
var commands = map[string]command{
	"local":    {"run a forecasting tournament on a CSV file", runLocal},
	"generate": {"write a synthetic retail dataset", runGenerate},
	"score":    {"score forecasts against a holdout file", runScore},
	"job":      {"run one shard of a ForecastRun inside its Job's Pod", runJob},
	"export":   {"write a run folder's result files to stdout as a log-safe stream", runExport},
	"fit":      {"fit one model to every item, one at a time, timing each", runFit},
}

// usageError marks errors in the command line: exit code 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{stdout: os.Stdout, stderr: os.Stderr, stderrFile: os.Stderr})
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and maps its error to an exit code:
// 0 success (or help), 2 usage error, 3 permanent failure of a job (see
// job.ExitPermanent), 1 any other run error.
func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(e.stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "runner: unknown command %q\n\n", args[0])
		printUsage(e.stderr)
		return 2
	}
	err := cmd.run(ctx, args[1:], e)
	var usage usageError
	var streamed reportedInStream
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		fmt.Fprintf(e.stderr, "runner %s: %v\nRun 'runner %s -h' for usage.\n", args[0], err, args[0])
		return 2
	case errors.As(err, &streamed):
		return 1
	}
	fmt.Fprintf(e.stderr, "runner %s: %v\n", args[0], err)
	if job.IsPermanent(err) {
		return job.ExitPermanent
	}
	return 1
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: runner <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-10s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "\nRun 'runner <command> -h' for the flags of a command.")
}

// newFlagSet makes a FlagSet whose errors come back to the caller instead
// of exiting, with usage text headed by synopsis.
func newFlagSet(name, synopsis string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: runner %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors (the flag
// package has already printed the message and usage) and rejecting stray
// positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return nil
}
