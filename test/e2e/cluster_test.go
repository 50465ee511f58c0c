//go:build e2e

package e2e

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// runnerImage is the image the manager puts in runner Jobs; the node agent
// maps it to the folder holding the freshly built runner binary.
const runnerImage = "ghcr.io/forecastrun/forecastrun:e2e"

// scheduleClockSpeed is how much faster than real time the managers'
// schedule clock runs: a schedule of every minute creates a run every real
// second. It affects ForecastSchedules only; runs keep real time.
const scheduleClockSpeed = 60

// env is the suite's cluster, set up once by TestMain.
var env *cluster

// cluster is a local control plane, node agent and manager process, all
// under one temporary folder.
type cluster struct {
	repo       string // repository root
	dir        string // everything the suite writes
	state      string // hack/localcluster state folder
	kubeconfig string
	kubectlBin string // the pinned kubectl
	managerBin string
	// clockStart is when the managers' fast schedule clock starts. Every
	// manager of the suite gets the same start, so a restarted manager
	// reads the same schedule time as the one it replaces.
	clockStart time.Time

	mu      sync.Mutex
	manager *exec.Cmd
	exited  chan struct{} // closed when the current manager process exits
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runSuite(m))
}

// runSuite sets the cluster up, runs the tests and always tears down,
// including on Ctrl-C and shortly before `go test -timeout` would kill the
// binary without running deferred code.
func runSuite(m *testing.M) int {
	c, err := setUp()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: setting up the local cluster: %v\n", err)
		if c != nil {
			c.dumpLogs()
			c.tearDown(false)
		}
		return 1
	}
	env = c
	stopGuard := c.guardTeardown()
	defer stopGuard()

	code := m.Run()
	if code != 0 {
		c.dumpLogs()
	}
	c.tearDown(code == 0)
	return code
}

// guardTeardown tears the cluster down when the process is interrupted or
// the test deadline is near; otherwise its processes (started with setsid)
// would outlive the test binary.
func (c *cluster) guardTeardown() (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var deadline <-chan time.Time
	if f := flag.Lookup("test.timeout"); f != nil {
		if d, err := time.ParseDuration(f.Value.String()); err == nil && d > time.Minute {
			deadline = time.After(d - 30*time.Second)
		}
	}
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			fmt.Fprintf(os.Stderr, "e2e: %v received, tearing the cluster down\n", s)
		case <-deadline:
			fmt.Fprintln(os.Stderr, "e2e: the test timeout is 30s away, tearing the cluster down")
			c.dumpLogs()
		case <-done:
			return
		}
		c.tearDown(false)
		os.Exit(1)
	}()
	return func() { signal.Stop(sigs); close(done) }
}

func setUp() (*cluster, error) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		return nil, fmt.Errorf("finding the repository root: %w", err)
	}
	dir, err := os.MkdirTemp("", "forecastrun-e2e.")
	if err != nil {
		return nil, fmt.Errorf("creating the suite folder: %w", err)
	}
	c := &cluster{repo: repo, dir: dir, state: filepath.Join(dir, "cluster"), managerBin: filepath.Join(dir, "bin", "manager"),
		clockStart: time.Now().Truncate(time.Second)}
	c.kubeconfig = filepath.Join(c.state, "kubeconfig")
	fmt.Fprintf(os.Stderr, "e2e: suite folder %s\n", dir)

	cpBin, err := c.script("hack/build-control-plane.sh", "--print")
	if err != nil {
		return c, fmt.Errorf("locating the pinned control plane: %w", err)
	}
	c.kubectlBin = filepath.Join(strings.TrimSpace(cpBin), "kubectl")
	if _, err := os.Stat(c.kubectlBin); err != nil {
		// --print only names the folder; build it the first time.
		if _, err := c.script("hack/build-control-plane.sh"); err != nil {
			return c, fmt.Errorf("building the pinned control plane: %w", err)
		}
	}
	if err := c.buildBinaries(); err != nil {
		return c, err
	}
	image := filepath.Join(dir, "image")
	if _, err := c.script("hack/localcluster/up.sh", c.state, "--image-map", runnerImage+"="+image); err != nil {
		return c, fmt.Errorf("starting the local cluster: %w", err)
	}
	if out, err := c.run("apply", "--server-side", "-f", filepath.Join(repo, "config/crd/bases")); err != nil {
		return c, fmt.Errorf("installing the CRD: %w\n%s", err, out)
	}
	if out, err := c.run("wait", "--for=condition=Established", "crd/forecastruns.forecasting.dev", "--timeout=60s"); err != nil {
		return c, fmt.Errorf("waiting for the CRD: %w\n%s", err, out)
	}
	if err := c.waitSchema(); err != nil {
		return c, err
	}
	if err := c.startManager(); err != nil {
		return c, err
	}
	return c, nil
}

// waitSchema waits until the API server publishes the CRD's OpenAPI schema,
// a second or two after it is Established. kubectl's client-side validation
// needs it, so the first apply would otherwise wait for it, and the
// apply-to-Running timing would measure that rather than the operator.
func (c *cluster) waitSchema() error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := c.run("explain", "forecastruns.spec.mode")
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waiting for the ForecastRun OpenAPI schema: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// buildBinaries builds the manager, and the runner into the folder the
// runner image maps to, from the working tree under test.
func (c *cluster) buildBinaries() error {
	for pkg, out := range map[string]string{
		"./cmd/manager": c.managerBin,
		"./cmd/runner":  filepath.Join(c.dir, "image", "runner"),
	} {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Dir = c.repo
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building %s: %w\n%s", pkg, err, b)
		}
	}
	return nil
}

// script runs a repository script and returns its stdout; its stderr is
// included in the error.
func (c *cluster) script(name string, args ...string) (string, error) {
	cmd := exec.Command(filepath.Join(c.repo, name), args...)
	cmd.Dir = c.repo
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s %s: %w\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String(), nil
}

// startManager starts the manager as a local process, its output appended
// to DIR/manager.log so that restarts keep one log, and waits for /readyz.
func (c *cluster) startManager() error {
	port, err := freePort()
	if err != nil {
		return err
	}
	logf, err := os.OpenFile(filepath.Join(c.dir, "manager.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("opening the manager log: %w", err)
	}
	probe := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(c.managerBin, "--kubeconfig", c.kubeconfig, "--runner-image", runnerImage,
		"--metrics-bind-address", "0", "--health-probe-bind-address", probe, "--zap-devel=false",
		"--schedule-clock-speed", fmt.Sprint(scheduleClockSpeed), "--schedule-clock-start", c.clockStart.Format(time.RFC3339))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("starting the manager: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(exited) }()
	c.mu.Lock()
	c.manager, c.exited = cmd, exited
	c.mu.Unlock()
	return waitReady("http://"+probe+"/readyz", exited, 60*time.Second)
}

// waitReady polls a readiness endpoint until it answers 200, the process
// exits, or the timeout passes.
func waitReady(url string, exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("the manager exited during start-up; see manager.log")
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("the manager was not ready at %s after %s", url, timeout)
}

// killManager SIGKILLs the manager, as a crash would, and waits for it to
// be gone.
func (c *cluster) killManager() error {
	c.mu.Lock()
	cmd, exited := c.manager, c.exited
	c.manager = nil
	c.mu.Unlock()
	if cmd == nil {
		return errors.New("the manager is not running")
	}
	if err := cmd.Process.Kill(); err != nil {
		return fmt.Errorf("killing the manager: %w", err)
	}
	select {
	case <-exited:
		return nil
	case <-time.After(10 * time.Second):
		return errors.New("the manager survived SIGKILL for 10s")
	}
}

// managerRunning reports whether the suite's manager process is up.
func (c *cluster) managerRunning() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.manager != nil
}

// stopManager asks the manager to stop and kills it after a grace period.
func (c *cluster) stopManager() {
	c.mu.Lock()
	cmd, exited := c.manager, c.exited
	c.manager = nil
	c.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

// tearDown stops everything. The folder is removed only after a clean run
// so that a failure's logs stay for inspection; E2E_KEEP=1 keeps it all
// running.
func (c *cluster) tearDown(passed bool) {
	if os.Getenv("E2E_KEEP") != "" {
		pid := 0
		c.mu.Lock()
		if c.manager != nil {
			pid = c.manager.Process.Pid
		}
		c.mu.Unlock()
		fmt.Fprintf(os.Stderr, "e2e: E2E_KEEP set; left running:\n  export KUBECONFIG=%s PATH=%s:$PATH\n  manager pid %d, log %s\n  stop with: kill %d; %s %s\n",
			c.kubeconfig, filepath.Dir(c.kubectlBin), pid, filepath.Join(c.dir, "manager.log"), pid, filepath.Join(c.repo, "hack/localcluster/down.sh"), c.state)
		return
	}
	c.stopManager()
	if _, err := c.script("hack/localcluster/down.sh", c.state); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: stopping the local cluster: %v\n", err)
	}
	if passed {
		os.RemoveAll(c.dir)
		return
	}
	fmt.Fprintf(os.Stderr, "e2e: logs kept in %s (manager.log, cluster/logs/)\n", c.dir)
}

// dumpLogs prints the tail of the manager's and node agent's logs, the
// first places to look when a scenario fails.
func (c *cluster) dumpLogs() {
	for _, f := range []string{filepath.Join(c.dir, "manager.log"), filepath.Join(c.state, "logs", "nodeagent.log")} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		if len(lines) > 40 {
			lines = lines[len(lines)-40:]
		}
		fmt.Fprintf(os.Stderr, "---- last lines of %s\n%s\n", f, strings.Join(lines, "\n"))
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// pvcDir is the local folder backing claim in namespace ns.
func pvcDir(ns, claim string) string { return filepath.Join(env.state, "pvc", ns, claim) }

// podLogDir is where the node agent keeps the logs of the Pods of ns.
func podLogDir() string { return filepath.Join(env.state, "logs", "pods") }
