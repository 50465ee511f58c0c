package forecastcli

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

//go:embed web
var webFiles embed.FS

const dashboardExample = `  # Serve the dashboard on a free port of 127.0.0.1 and open the printed URL
  kubectl forecast dashboard

  # On a port of your choice, for the runs of another namespace
  kubectl forecast dashboard --port 8765 -n forecasting`

func newDashboardCommand(g *globals) *cobra.Command {
	port := 0
	cmd := &cobra.Command{
		Use:   "dashboard",
		Short: "Serve a web page with the runs, their progress, the queue and the results",
		Long: `Serve a dashboard on 127.0.0.1 until interrupted: the runs with live progress,
who holds the lock and the queue behind it, a form to start a run, cancel
and rerun buttons, a finished run's summary and report, and the schedules.
Everything it shows or does goes through the API server with the rights of
your kubeconfig, as kubectl does.

The first line of output is the URL to open. Its token works once: the
browser that opens it gets a session cookie, and nothing else can use the
dashboard, including other sites' pages in the same browser.`,
		Example: dashboardExample,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if port < 0 || port > 65535 {
				return fmt.Errorf("--port %d is not a port number (0 picks a free one)", port)
			}
			return g.serveDashboard(cmd.Context(), port)
		},
	}
	cmd.Flags().IntVar(&port, "port", 0, "port on 127.0.0.1 to serve on; 0 picks a free one")
	return cmd
}

func (g *globals) serveDashboard(ctx context.Context, port int) error {
	s, err := g.connect()
	if err != nil {
		return err
	}
	sch, err := scheme()
	if err != nil {
		return err
	}
	watcher, err := client.NewWithWatch(s.config, client.Options{Scheme: sch})
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", s.config.Host, err)
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return fmt.Errorf("listening on 127.0.0.1:%d: %w", port, err)
	}
	gd := newGuard(ln.Addr().(*net.TCPAddr).Port)
	d := &dashboard{g: g, base: s, watcher: watcher, reports: map[string][]byte{}}
	srv := &http.Server{
		// No ReadHeaderTimeout: it also closes a connection the browser
		// opened ahead of time and has not used yet, and a POST sent on it
		// then fails with "Failed to fetch" (seen in the e2e test). Only
		// this machine reaches the loopback address.
		Handler: gd.wrap(d.routes()),
		// Requests end with the command, so that open event streams let
		// Shutdown finish at once.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	fmt.Fprintf(g.streams.Out, "http://%s/?token=%s\n", gd.hosts[0], gd.token)
	fmt.Fprintf(g.streams.Out, "Serving the ForecastRun dashboard for context %s, namespace %s; Ctrl-C stops it.\n", orUnknown(s.contextName, "(none)"), s.namespace)
	return serveUntilDone(ctx, srv, ln)
}

// serveUntilDone serves until ctx ends, then closes open streams.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener) error {
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serving the dashboard: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	// Streams end with ctx (BaseContext); Close cuts whatever is left
	// after the deadline.
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("stopping the dashboard: %w", err)
	}
	_ = srv.Close()
	return nil
}

// routes maps the page, its assets and the JSON API.
func (d *dashboard) routes() http.Handler {
	static, _ := fs.Sub(webFiles, "web") // the folder is embedded above
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", http.FileServerFS(static))
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /api/state", d.state)
	mux.HandleFunc("GET /api/events", d.events)
	mux.HandleFunc("POST /api/runs", d.createRun)
	mux.HandleFunc("POST /api/runs/{name}/cancel", d.cancelRun)
	mux.HandleFunc("POST /api/runs/{name}/rerun", d.rerunRun)
	mux.HandleFunc("GET /api/runs/{name}/report", d.report)
	return mux
}
