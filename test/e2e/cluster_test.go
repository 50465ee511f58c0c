//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// scheduleClockSpeed is how much faster than real time the manager's
// schedule clock runs: a schedule of every minute creates a run every real
// second. It affects ForecastSchedules only; runs keep real time.
const scheduleClockSpeed = 60

// Where `make deploy` puts the manager.
const (
	managerNamespace  = "forecastrun-system"
	managerDeployment = "forecastrun-controller-manager"
	managerLease      = "forecastrun-manager.forecasting.dev"
)

// env is the suite's cluster, set up once by TestMain.
var env *cluster

// cluster is a local cluster with a real node (hack/localcluster) and the
// operator deployed into it from the image the suite built, all under one
// temporary folder.
type cluster struct {
	repo       string // repository root
	dir        string // everything the suite writes
	state      string // hack/localcluster state folder
	kubeconfig string
	kubectlBin string // the pinned kubectl
	nodeBin    string // the node's binaries (ctr)
	registry   string // the local registry, 127.0.0.1:PORT
	// nodeIP is the node's bridge address, the Pods' gateway: a server the
	// suite starts there (the S3 server) is reachable from Pods.
	nodeIP string
	// image is the operator's image as deployed: the local registry's
	// reference with the digest the suite pushed.
	image string
	// runnerImage is the same image pushed to a repository of its own and
	// given to the manager as --runner-image, so that a scenario can take
	// the runners' image away without touching the manager's.
	runnerImage string
	// clockStart is when the manager's fast schedule clock starts. It is a
	// flag of the Deployment, so a restarted manager reads the same
	// schedule time as the one it replaces.
	clockStart time.Time
	// managerDown is set while a scenario has stopped the manager.
	managerDown bool
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
			deadline = time.After(d - 45*time.Second)
		}
	}
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			fmt.Fprintf(os.Stderr, "e2e: %v received, tearing the cluster down\n", s)
		case <-deadline:
			fmt.Fprintln(os.Stderr, "e2e: the test timeout is 45s away, tearing the cluster down")
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
	c := &cluster{repo: repo, dir: dir, state: filepath.Join(dir, "cluster"), clockStart: time.Now().Truncate(time.Second)}
	c.kubeconfig = filepath.Join(c.state, "kubeconfig")
	fmt.Fprintf(os.Stderr, "e2e: suite folder %s\n", dir)

	cpBin, err := c.script("hack/build-control-plane.sh")
	if err != nil {
		return c, fmt.Errorf("building the pinned control plane: %w", err)
	}
	c.kubectlBin = filepath.Join(strings.TrimSpace(cpBin), "kubectl")
	nodeBin, err := c.script("hack/build-node.sh")
	if err != nil {
		return c, fmt.Errorf("building the local node: %w", err)
	}
	c.nodeBin = strings.TrimSpace(nodeBin)
	if _, err := c.script("hack/localcluster/up.sh", c.state); err != nil {
		return c, fmt.Errorf("starting the local cluster: %w", err)
	}
	if c.registry, err = c.clusterEnv("REGISTRY"); err != nil {
		return c, err
	}
	if c.nodeIP, err = c.apiServerHost(); err != nil {
		return c, err
	}
	if err := c.deployOperator(); err != nil {
		return c, err
	}
	return c, c.waitSchema()
}

// clusterEnv reads a value of the local cluster's DIR/run/cluster.env.
func (c *cluster) clusterEnv(key string) (string, error) {
	b, err := os.ReadFile(filepath.Join(c.state, "run", "cluster.env"))
	if err != nil {
		return "", fmt.Errorf("reading the local cluster's settings: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+"="); ok {
			return v, nil
		}
	}
	return "", fmt.Errorf("%s/run/cluster.env has no %s", c.state, key)
}

// apiServerHost is the address the API server listens on, which is the
// node's bridge address.
func (c *cluster) apiServerHost() (string, error) {
	server, err := c.clusterEnv("APISERVER")
	if err != nil {
		return "", err
	}
	u, err := url.Parse(server)
	if err != nil || u.Hostname() == "" {
		return "", fmt.Errorf("the local cluster's APISERVER %q is not a URL", server)
	}
	return u.Hostname(), nil
}

// deployOperator builds the image from the working tree, pushes it to the
// local registry and installs the operator with it as `make deploy
// IMG=...` does, then waits until the manager leads.
func (c *cluster) deployOperator() error {
	out, err := c.script("hack/image.sh", "--push", c.registry+"/forecastrun/forecastrun:e2e")
	if err != nil {
		return fmt.Errorf("building and pushing the image: %w", err)
	}
	c.image = strings.TrimSpace(out)
	if c.runnerImage, err = c.pushRunnerImage(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "e2e: image %s, runner image %s\n", c.image, c.runnerImage)
	// The dataset-URL scenario serves its file from a Service, whose
	// private address (10.202.0.0/24) the runner refuses unless the
	// manager allows the cluster's Service names; the object-storage
	// scenario's S3 server listens on the node's bridge address.
	args := fmt.Sprintf("--zap-devel=false --schedule-clock-speed=%d --schedule-clock-start=%s --runner-image=%s --dataset-allowed-hosts=*.svc.cluster.local,%s",
		scheduleClockSpeed, c.clockStart.Format(time.RFC3339), c.runnerImage, c.nodeIP)
	cmd := exec.Command(filepath.Join(c.repo, "hack/deploy.sh"), c.image)
	cmd.Dir = c.repo
	cmd.Env = append(os.Environ(), "KUBECTL="+c.kubectlBin, "KUBECONFIG="+c.kubeconfig, "MANAGER_EXTRA_ARGS="+args)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("hack/deploy.sh %s: %w\n%s", c.image, err, b)
	}
	for _, crd := range []string{"forecastruns", "forecastschedules"} {
		if out, err := c.run("wait", "--for=condition=Established", "crd/"+crd+".forecasting.dev", "--timeout=60s"); err != nil {
			return fmt.Errorf("waiting for the CRD %s: %w\n%s", crd, err, out)
		}
	}
	return c.waitManagerLeads("")
}

// pushRunnerImage pushes the operator's image to the runner repository and
// returns its reference with the digest.
func (c *cluster) pushRunnerImage() (string, error) {
	out, err := c.script("hack/image.sh", "--push", c.registry+"/forecastrun/runner:e2e")
	if err != nil {
		return "", fmt.Errorf("pushing the runner image: %w", err)
	}
	return strings.TrimSpace(out), nil
}

// ctr runs containerd's ctr in the node's k8s.io namespace.
func (c *cluster) ctr(args ...string) (string, error) {
	cmd := exec.Command(filepath.Join(c.nodeBin, "ctr"), append([]string{"--address", filepath.Join(c.state, "run", "containerd.sock"), "-n", "k8s.io"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("ctr %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
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

// script runs a repository script with the suite's kubeconfig and returns
// its stdout; its stderr is included in the error.
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

// managerPod names the manager's Pod that is Running and not being
// deleted, or "".
func (c *cluster) managerPod() string {
	out, err := c.run("get", "pods", "-n", managerNamespace, "-l", "control-plane=controller-manager", "-o",
		`jsonpath={range .items[?(@.status.phase=="Running")]}{.metadata.name} {.metadata.deletionTimestamp}{"\n"}{end}`)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 1 {
			return f[0]
		}
	}
	return ""
}

// waitManagerLeads waits until a manager Pod other than old runs and holds
// the manager's leader-election Lease: only then does it reconcile.
func (c *cluster) waitManagerLeads(old string) error {
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		pod := c.managerPod()
		holder, _ := c.run("get", "lease", managerLease, "-n", managerNamespace, "-o", "jsonpath={.spec.holderIdentity}")
		if pod != "" && pod != old && strings.HasPrefix(holder, pod+"_") {
			return nil
		}
		time.Sleep(300 * time.Millisecond)
	}
	out, _ := c.run("get", "deploy,pods", "-n", managerNamespace, "-o", "wide")
	return fmt.Errorf("no manager Pod leads after 3 minutes (the previous one was %q):\n%s", old, out)
}

// killManager crashes the manager as a node or process failure would: its
// container's process gets SIGKILL (no graceful shutdown, the leader Lease
// stays held), and the Deployment is scaled to zero at once so that it
// stays down until startManager.
func (c *cluster) killManager() error {
	pod := c.managerPod()
	if pod == "" {
		return errors.New("no manager Pod is running")
	}
	pid, err := c.containerPID(managerNamespace, pod)
	if err != nil {
		return err
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return fmt.Errorf("killing the manager process %d: %w", pid, err)
	}
	c.managerDown = true
	if out, err := c.run("scale", "deployment", managerDeployment, "-n", managerNamespace, "--replicas=0"); err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	_, err = c.run("wait", "--for=delete", "pod/"+pod, "-n", managerNamespace, "--timeout=60s")
	return err
}

// startManager scales the manager back up and waits until it leads.
func (c *cluster) startManager() error {
	if out, err := c.run("scale", "deployment", managerDeployment, "-n", managerNamespace, "--replicas=1"); err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	if err := c.waitManagerLeads(""); err != nil {
		return err
	}
	c.managerDown = false
	return nil
}

func (c *cluster) managerRunning() bool { return !c.managerDown }

// containerPID is the host PID of the first container of a Running Pod,
// from containerd's task list: what SIGKILL must reach to crash it.
func (c *cluster) containerPID(ns, pod string) (int, error) {
	id, err := c.run("get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].containerID}")
	if err != nil {
		return 0, err
	}
	id = strings.TrimPrefix(strings.TrimSpace(id), "containerd://")
	if id == "" {
		return 0, fmt.Errorf("pod %s/%s has no container yet", ns, pod)
	}
	out, err := c.ctr("tasks", "ls")
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == id {
			return strconv.Atoi(f[1])
		}
	}
	return 0, fmt.Errorf("containerd has no task for container %s of pod %s/%s", id, ns, pod)
}

// tearDown stops everything. The folder is removed only after a clean run
// so that a failure's logs stay for inspection; E2E_KEEP=1 keeps it all
// running.
func (c *cluster) tearDown(passed bool) {
	if os.Getenv("E2E_KEEP") != "" {
		fmt.Fprintf(os.Stderr, "e2e: E2E_KEEP set; left running:\n  export KUBECONFIG=%s PATH=%s:$PATH\n  stop with: %s %s\n",
			c.kubeconfig, filepath.Dir(c.kubectlBin), filepath.Join(c.repo, "hack/localcluster/down.sh"), c.state)
		return
	}
	if _, err := c.script("hack/localcluster/down.sh", c.state); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: stopping the local cluster: %v\n", err)
	}
	if passed {
		os.RemoveAll(c.dir)
		return
	}
	fmt.Fprintf(os.Stderr, "e2e: logs kept in %s (cluster/logs/: every component and Pod)\n", c.dir)
}

// dumpLogs prints the tail of the manager's and the kubelet's logs, the
// first places to look when a scenario fails.
func (c *cluster) dumpLogs() {
	if out, err := c.run("logs", "-n", managerNamespace, "deployment/"+managerDeployment, "--tail=60"); err == nil {
		fmt.Fprintf(os.Stderr, "---- last lines of the manager's log\n%s\n", out)
	}
	b, err := os.ReadFile(filepath.Join(c.state, "logs", "kubelet.log"))
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	fmt.Fprintf(os.Stderr, "---- last lines of the kubelet's log\n%s\n", strings.Join(lines, "\n"))
}

// pvcDir is the folder on the node backing claim in namespace ns: the
// provisioner's hostPath of the volume bound to it.
func pvcDir(t *testing.T, ns, claim string) string {
	t.Helper()
	pv := kubectl(t, "get", "pvc", claim, "-n", ns, "-o", "jsonpath={.spec.volumeName}")
	if pv == "" {
		t.Fatalf("claim %s/%s is not bound to a volume", ns, claim)
	}
	return kubectl(t, "get", "pv", pv, "-o", "jsonpath={.spec.hostPath.path}")
}
