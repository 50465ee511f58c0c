package provider

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/virtual-kubelet/virtual-kubelet/errdefs"
	"github.com/virtual-kubelet/virtual-kubelet/log"
	"github.com/virtual-kubelet/virtual-kubelet/node/api"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	corev1listers "k8s.io/client-go/listers/core/v1"
	statsv1alpha1 "k8s.io/kubelet/pkg/apis/stats/v1alpha1"
)

// Config is what the provider needs to know about its surroundings.
type Config struct {
	// StateDir holds pods/ (per-Pod folders), pvc/ and logs/.
	StateDir string
	// ImageMap maps an image reference to a folder of binaries.
	ImageMap map[string]string
	Client   kubernetes.Interface
	// Pods is the PodController's lister; DeletePod uses it to tell a
	// graceful deletion from a Pod that is already gone from the API.
	Pods corev1listers.PodLister
	// APIServer and CAData are what processes use to reach the cluster.
	APIServer string
	CAData    []byte
	HostIP    string
	// RewritePaths turns on rewriting of args and env values that start with
	// a mount path (see README.md).
	RewritePaths bool
}

// Provider implements nodeutil.Provider and node.PodNotifier.
type Provider struct {
	cfg Config
	// ctx outlives the calls from the PodController: processes and token
	// refreshers run under it.
	ctx context.Context

	mu     sync.Mutex
	pods   map[string]*podRun
	notify func(*corev1.Pod)
}

// New returns a provider whose background work stops when ctx ends.
func New(ctx context.Context, cfg Config) *Provider {
	return &Provider{cfg: cfg, ctx: ctx, pods: map[string]*podRun{}}
}

func podKey(namespace, name string) string { return namespace + "/" + name }

func (p *Provider) lookup(namespace, name string) *podRun {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pods[podKey(namespace, name)]
}

// NotifyPods registers the PodController's callback for status changes.
func (p *Provider) NotifyPods(_ context.Context, cb func(*corev1.Pod)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.notify = cb
}

func (p *Provider) publish(pod *corev1.Pod) {
	p.mu.Lock()
	cb := p.notify
	p.mu.Unlock()
	if cb != nil {
		cb(pod)
	}
}

// CreatePod starts the Pod in the background; preparation errors surface as
// a failed Pod rather than as an error here, because the PodController would
// only retry the same failing preparation.
func (p *Provider) CreatePod(ctx context.Context, pod *corev1.Pod) error {
	key := podKey(pod.Namespace, pod.Name)
	p.mu.Lock()
	if _, ok := p.pods[key]; ok {
		p.mu.Unlock()
		return nil
	}
	pr := newPodRun(p, pod)
	p.pods[key] = pr
	p.mu.Unlock()
	log.G(ctx).WithField("pod", key).Info("starting pod")
	pr.publish()
	go pr.run()
	return nil
}

// OnPodEvent is a PodEventFilterFunc: it sees every informer event for this
// node's Pods and republishes a Pod's status when its metadata changed
// underneath (the PodController only calls UpdatePod for spec, label and
// annotation changes, not for finalizers). It filters nothing out.
func (p *Provider) OnPodEvent(_ context.Context, pod *corev1.Pod) bool {
	pr := p.lookup(pod.Namespace, pod.Name)
	if pr == nil || pr.uid != pod.UID {
		return true
	}
	if pr.metadataChanged(pod) {
		// Not inline: publishing may wait on the informer that called us.
		go pr.publish()
	}
	if pod.DeletionTimestamp != nil && isTerminal(pod.Status.Phase) && pr.isFinished() {
		go pr.removeFromAPI()
	}
	return true
}

func isTerminal(phase corev1.PodPhase) bool {
	return phase == corev1.PodSucceeded || phase == corev1.PodFailed
}

// UpdatePod keeps the latest metadata; a running process cannot change.
func (p *Provider) UpdatePod(_ context.Context, pod *corev1.Pod) error {
	if pr := p.lookup(pod.Namespace, pod.Name); pr != nil {
		pr.setPod(pod)
	}
	return nil
}

// DeletePod stops the Pod's processes: gracefully while the Pod is still in
// the API (it has a deletion timestamp), and forgets the Pod once it is gone
// from the API and its processes have ended.
func (p *Provider) DeletePod(ctx context.Context, pod *corev1.Pod) error {
	pr := p.lookup(pod.Namespace, pod.Name)
	if pr == nil || pr.uid != pod.UID {
		return errdefs.NotFoundf("pod %s/%s is not running here", pod.Namespace, pod.Name)
	}
	log.G(ctx).WithField("pod", pr.key).Info("stopping pod")
	pr.stop(gracePeriod(pod))
	if !p.inAPI(pod) {
		go p.forget(pr)
	}
	return nil
}

func (p *Provider) inAPI(pod *corev1.Pod) bool {
	cur, err := p.cfg.Pods.Pods(pod.Namespace).Get(pod.Name)
	if apierrors.IsNotFound(err) {
		return false
	}
	return err != nil || cur.UID == pod.UID
}

// forget drops a Pod after its processes ended and removes its folder; its
// logs stay under STATE/logs.
func (p *Provider) forget(pr *podRun) {
	<-pr.done
	p.mu.Lock()
	if p.pods[pr.key] == pr {
		delete(p.pods, pr.key)
	}
	p.mu.Unlock()
	pr.cleanup()
}

// removeFromAPI finishes a deletion once the processes are gone and the API
// shows the final status, as the kubelet does. virtual-kubelet would only do
// it when the grace period ends, since a status change does not wake it.
func (pr *podRun) removeFromAPI() {
	pr.removeOnce.Do(func() {
		opts := metav1.DeleteOptions{GracePeriodSeconds: ptrTo[int64](0), Preconditions: metav1.NewUIDPreconditions(string(pr.uid))}
		ns, name, _ := strings.Cut(pr.key, "/")
		err := pr.p.cfg.Client.CoreV1().Pods(ns).Delete(pr.p.ctx, name, opts)
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			log.G(pr.p.ctx).WithField("pod", pr.key).WithError(err).Warn("cannot remove finished pod")
		}
	})
}

// gracePeriod is the deletion's grace period, else the Pod's, else 30s.
func gracePeriod(pod *corev1.Pod) time.Duration {
	switch {
	case pod.DeletionGracePeriodSeconds != nil:
		return time.Duration(*pod.DeletionGracePeriodSeconds) * time.Second
	case pod.Spec.TerminationGracePeriodSeconds != nil:
		return time.Duration(*pod.Spec.TerminationGracePeriodSeconds) * time.Second
	}
	return 30 * time.Second
}

// GetPod returns the Pod with its current status.
func (p *Provider) GetPod(_ context.Context, namespace, name string) (*corev1.Pod, error) {
	pr := p.lookup(namespace, name)
	if pr == nil {
		return nil, errdefs.NotFoundf("pod %s/%s is not known", namespace, name)
	}
	return pr.snapshot(), nil
}

// GetPodStatus returns the Pod's current status.
func (p *Provider) GetPodStatus(ctx context.Context, namespace, name string) (*corev1.PodStatus, error) {
	pod, err := p.GetPod(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	return &pod.Status, nil
}

// GetPods returns every Pod this agent runs.
func (p *Provider) GetPods(_ context.Context) ([]*corev1.Pod, error) {
	p.mu.Lock()
	runs := make([]*podRun, 0, len(p.pods))
	for _, pr := range p.pods {
		runs = append(runs, pr)
	}
	p.mu.Unlock()
	pods := make([]*corev1.Pod, 0, len(runs))
	for _, pr := range runs {
		pods = append(pods, pr.snapshot())
	}
	return pods, nil
}

// Shutdown stops every Pod's processes (the agent is going away and nobody
// would supervise them) and waits for them up to grace plus a little.
func (p *Provider) Shutdown(grace time.Duration) {
	p.mu.Lock()
	runs := make([]*podRun, 0, len(p.pods))
	for _, pr := range p.pods {
		runs = append(runs, pr)
	}
	p.mu.Unlock()
	for _, pr := range runs {
		pr.stop(grace)
	}
	deadline := time.After(grace + 2*time.Second)
	for _, pr := range runs {
		select {
		case <-pr.done:
		case <-deadline:
			return
		}
	}
}

var errUnsupported = fmt.Errorf("not supported by the forecastrun node agent")

// RunInContainer is not supported: there is no container to exec into.
func (p *Provider) RunInContainer(context.Context, string, string, string, []string, api.AttachIO) error {
	return errUnsupported
}

// AttachToContainer is not supported.
func (p *Provider) AttachToContainer(context.Context, string, string, string, api.AttachIO) error {
	return errUnsupported
}

// PortForward is not supported: processes share the host's network.
func (p *Provider) PortForward(context.Context, string, string, int32, io.ReadWriteCloser) error {
	return errUnsupported
}

// GetStatsSummary is not supported.
func (p *Provider) GetStatsSummary(context.Context) (*statsv1alpha1.Summary, error) {
	return nil, errUnsupported
}

// GetMetricsResource reports no metrics.
func (p *Provider) GetMetricsResource(context.Context) ([]*dto.MetricFamily, error) {
	return nil, nil
}
