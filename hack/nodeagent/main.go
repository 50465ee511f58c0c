package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/virtual-kubelet/virtual-kubelet/log"
	logruslogger "github.com/virtual-kubelet/virtual-kubelet/log/logrus"
	"github.com/virtual-kubelet/virtual-kubelet/node"
	"github.com/virtual-kubelet/virtual-kubelet/node/nodeutil"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/forecastrun/forecastrun/hack/nodeagent/internal/binder"
	"github.com/forecastrun/forecastrun/hack/nodeagent/internal/provider"
)

type options struct {
	kubeconfig   string
	nodeName     string
	stateDir     string
	listen       string
	tlsCert      string
	tlsKey       string
	clientCA     string
	cpu          string
	memory       string
	pods         string
	imageMap     imageMap
	rewritePaths bool
	noBinder     bool
	verbose      bool
}

// imageMap is the repeatable --image-map IMAGE=FOLDER flag.
type imageMap map[string]string

func (m imageMap) String() string { return fmt.Sprint(map[string]string(m)) }

func (m imageMap) Set(v string) error {
	// Split at the first '=': image references never contain one, folders may.
	i := strings.Index(v, "=")
	if i <= 0 || !filepath.IsAbs(v[i+1:]) {
		return fmt.Errorf("want IMAGE=/absolute/folder, got %q", v)
	}
	m[v[:i]] = v[i+1:]
	return nil
}

func parseFlags() options {
	o := options{imageMap: imageMap{}}
	flag.StringVar(&o.kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the agent's own identity (the local cluster's admin)")
	flag.StringVar(&o.nodeName, "node-name", "local-node", "name of the Node to register")
	flag.StringVar(&o.stateDir, "state-dir", "", "folder for pods/, pvc/ and logs/ (required)")
	flag.StringVar(&o.listen, "listen", "127.0.0.1:0", "address of the kubelet API (logs); port 0 picks a free one")
	flag.StringVar(&o.tlsCert, "tls-cert", "", "serving certificate of the kubelet API; without it `kubectl logs` is unavailable")
	flag.StringVar(&o.tlsKey, "tls-key", "", "serving key of the kubelet API")
	flag.StringVar(&o.clientCA, "client-ca", "", "CA that signs the API server's kubelet client certificate")
	flag.StringVar(&o.cpu, "cpu", "16", "CPU capacity the Node reports (nothing is enforced)")
	flag.StringVar(&o.memory, "memory", "64Gi", "memory capacity the Node reports")
	flag.StringVar(&o.pods, "pods", "110", "Pod capacity the Node reports")
	flag.Var(o.imageMap, "image-map", "IMAGE=/abs/folder: run containers of IMAGE from binaries in folder (repeatable)")
	flag.BoolVar(&o.rewritePaths, "rewrite-paths", true, "rewrite args and env values that start with a mount path to the local folder")
	flag.BoolVar(&o.noBinder, "no-binder", false, "do not bind unscheduled Pods (a scheduler does)")
	flag.BoolVar(&o.verbose, "v", false, "debug logging")
	flag.Parse()
	if o.stateDir == "" || o.kubeconfig == "" {
		fmt.Fprintln(os.Stderr, "nodeagent: --state-dir and --kubeconfig are required")
		flag.Usage()
		os.Exit(2)
	}
	return o
}

func main() {
	o := parseFlags()
	logger := logrus.StandardLogger()
	if o.verbose {
		logger.SetLevel(logrus.DebugLevel)
	}
	log.L = logruslogger.FromLogrus(logrus.NewEntry(logger))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		log.G(ctx).WithError(err).Error("nodeagent failed")
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	stateDir, err := filepath.Abs(o.stateDir)
	if err != nil {
		return err
	}
	restCfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		return err
	}
	// Job fan-out creates bursts of Pods; client-go's default 5 QPS would
	// make status updates lag behind.
	restCfg.QPS, restCfg.Burst = 50, 100
	client, err := kubernetes.NewForConfig(restCfg)
	if err != nil {
		return err
	}
	caData, err := clusterCA(restCfg)
	if err != nil {
		return err
	}
	listen, port, err := resolveListen(o.listen)
	if err != nil {
		return err
	}
	// Processes outlive single provider calls but not the agent.
	procCtx, stopProcs := context.WithCancel(context.Background())
	defer stopProcs()
	var prov *provider.Provider
	newProvider := func(pc nodeutil.ProviderConfig) (nodeutil.Provider, node.NodeProvider, error) {
		prov = provider.New(procCtx, provider.Config{
			StateDir: stateDir, ImageMap: o.imageMap, Client: client,
			Pods: pc.Pods, APIServer: restCfg.Host, CAData: caData, HostIP: "127.0.0.1",
			RewritePaths: o.rewritePaths,
		})
		// nil NodeProvider: nodeutil then marks the Node Ready and keeps its
		// status and Lease fresh by itself.
		return prov, nil, nil
	}
	// NewNode builds a default client from $KUBECONFIG before applying
	// WithClient; pointing it at ours avoids a misleading warning.
	_ = os.Setenv("KUBECONFIG", o.kubeconfig)
	opts := []nodeutil.NodeOpt{
		nodeutil.WithClient(client), nodeSpec(o, listen, port),
		nodeutil.WithPodControllerConfigOverrides(func(pc *node.PodControllerConfig) error {
			pc.PodEventFilterFunc = prov.OnPodEvent
			return nil
		}),
	}
	opts = append(opts, httpOpts(o)...)
	n, err := nodeutil.NewNode(o.nodeName, newProvider, opts...)
	if err != nil {
		return err
	}
	if !o.noBinder {
		go func() { _ = binder.Run(ctx, client, o.nodeName) }()
	}
	go func() { _ = n.Run(ctx) }()
	if err := n.WaitReady(ctx, 2*time.Minute); err != nil {
		return err
	}
	log.G(ctx).WithField("node", o.nodeName).WithField("kubelet-api", listen).Info("node agent ready")
	select {
	case <-ctx.Done():
	case <-n.Done():
	}
	log.G(ctx).Info("shutting down: stopping pod processes")
	prov.Shutdown(10 * time.Second)
	return n.Err()
}

// clusterCA is the CA bundle processes get in ca.crt.
func clusterCA(cfg *rest.Config) ([]byte, error) {
	if len(cfg.CAData) > 0 {
		return cfg.CAData, nil
	}
	if cfg.CAFile != "" {
		return os.ReadFile(cfg.CAFile)
	}
	return nil, fmt.Errorf("the kubeconfig names no cluster CA; processes could not verify the API server")
}

// resolveListen turns port 0 into a concrete free port: the Node object must
// advertise the port before the server starts.
func resolveListen(addr string) (string, int32, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	if portStr == "0" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return "", 0, err
		}
		portStr = strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
		l.Close()
	}
	port, err := strconv.Atoi(portStr)
	return net.JoinHostPort(host, portStr), int32(port), err
}

// nodeSpec fills the Node object: capacity, addresses, the kubelet port
// (for `kubectl logs`), and conditions that say the node is healthy.
func nodeSpec(o options, listen string, port int32) nodeutil.NodeOpt {
	return func(cfg *nodeutil.NodeConfig) error {
		cfg.HTTPListenAddr = listen
		cfg.NumWorkers = 4
		n := &cfg.NodeSpec
		n.Labels["kubernetes.io/os"] = runtime.GOOS
		n.Labels["kubernetes.io/arch"] = runtime.GOARCH
		n.Labels["forecastrun.io/nodeagent"] = "true"
		capacity := corev1.ResourceList{}
		for name, q := range map[corev1.ResourceName]string{corev1.ResourceCPU: o.cpu, corev1.ResourceMemory: o.memory, corev1.ResourcePods: o.pods} {
			v, err := resource.ParseQuantity(q)
			if err != nil {
				return fmt.Errorf("capacity %s: %w", name, err)
			}
			capacity[name] = v
		}
		n.Status.Capacity, n.Status.Allocatable = capacity, capacity
		n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "127.0.0.1"}, {Type: corev1.NodeHostName, Address: o.nodeName}}
		n.Status.DaemonEndpoints.KubeletEndpoint.Port = port
		n.Status.NodeInfo = corev1.NodeSystemInfo{
			OperatingSystem: runtime.GOOS, Architecture: runtime.GOARCH,
			KubeletVersion: "v1.37.2-nodeagent", ContainerRuntimeVersion: "process://forecastrun-nodeagent",
		}
		healthyConditions(n)
		return nil
	}
}

// healthyConditions gives the pressure conditions a definite False; the
// Ready condition is set True by nodeutil once the controllers run.
func healthyConditions(n *corev1.Node) {
	now := metav1.Now()
	for i := range n.Status.Conditions {
		c := &n.Status.Conditions[i]
		if c.Type == corev1.NodeReady {
			continue
		}
		c.Status, c.Reason, c.LastHeartbeatTime, c.LastTransitionTime = corev1.ConditionFalse, "NodeAgent", now, now
		c.Message = "the node agent does not track this"
	}
}

// httpOpts serves the kubelet API (logs) over TLS, accepting only clients
// with a certificate from the cluster CA (the API server's kubelet client).
func httpOpts(o options) []nodeutil.NodeOpt {
	if o.tlsCert == "" {
		return nil
	}
	mux := http.NewServeMux()
	tlsOpts := []func(*tls.Config) error{nodeutil.WithKeyPairFromPath(o.tlsCert, o.tlsKey)}
	if o.clientCA != "" {
		tlsOpts = append(tlsOpts, nodeutil.WithCAFromPath(o.clientCA))
	}
	return []nodeutil.NodeOpt{
		nodeutil.WithTLSConfig(tlsOpts...),
		nodeutil.AttachProviderRoutes(mux),
		func(cfg *nodeutil.NodeConfig) error { cfg.Handler = mux; return nil },
	}
}
