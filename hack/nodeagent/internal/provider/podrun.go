package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/log"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// podRun is one Pod on this node: its folders, processes and status.
type podRun struct {
	p      *Provider
	key    string
	uid    types.UID
	dir    string // per-Pod folder, removed when the Pod is forgotten
	logDir string // per-Pod log folder, kept
	done   chan struct{}
	// stopCh is closed by stop: no container starts or restarts after it.
	stopCh chan struct{}

	mu       sync.Mutex
	pod      *corev1.Pod
	status   corev1.PodStatus
	procs    map[string]*process // running processes by container name
	stopping bool
	grace    time.Duration
	finished bool
	// mounts per container name, filled by prepare.
	mounts map[string]pathMap
	// tokens to issue and refresh; credentials is set once the
	// ServiceAccount folder and kubeconfig exist.
	tokens      []*tokenTarget
	credentials bool
	// publishedMeta is the metadata last handed to the PodController.
	publishedMeta *metav1.ObjectMeta
	removeOnce    sync.Once
}

// isFinished: every process has ended and no container will start again.
func (pr *podRun) isFinished() bool {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.finished
}

func newPodRun(p *Provider, pod *corev1.Pod) *podRun {
	id := fmt.Sprintf("%s_%s_%s", pod.Namespace, pod.Name, pod.UID)
	pr := &podRun{
		p:      p,
		key:    podKey(pod.Namespace, pod.Name),
		uid:    pod.UID,
		dir:    filepath.Join(p.cfg.StateDir, "pods", id),
		logDir: filepath.Join(p.cfg.StateDir, "logs", "pods", id),
		done:   make(chan struct{}),
		stopCh: make(chan struct{}),
		pod:    pod.DeepCopy(),
		procs:  map[string]*process{},
	}
	pr.status = initialStatus(pod, p.cfg.HostIP)
	return pr
}

func (pr *podRun) setPod(pod *corev1.Pod) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.pod = pod.DeepCopy()
}

// snapshot is the Pod with its current status, safe to hand out.
func (pr *podRun) snapshot() *corev1.Pod {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pod := pr.pod.DeepCopy()
	pod.Status = *pr.status.DeepCopy()
	return pod
}

// publish hands the PodController our status on the Pod's latest metadata.
// virtual-kubelet writes the whole object with UpdateStatus, and the status
// subresource also writes finalizers, labels and annotations: stale ones
// would undo the Job controller's finalizer removal (and are rejected while
// the Pod is being deleted).
func (pr *podRun) publish() {
	pod := pr.snapshot()
	if cur, err := pr.p.cfg.Pods.Pods(pod.Namespace).Get(pod.Name); err == nil && cur.UID == pod.UID {
		pod.ObjectMeta = *cur.ObjectMeta.DeepCopy()
	}
	pr.mu.Lock()
	pr.publishedMeta = pod.ObjectMeta.DeepCopy()
	pr.mu.Unlock()
	pr.p.publish(pod)
}

// metadataChanged tells whether the API's metadata moved on from what was
// last published, so the status must be published again on top of it.
func (pr *podRun) metadataChanged(cur *corev1.Pod) bool {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	m := pr.publishedMeta
	return m != nil && (!equality.Semantic.DeepEqual(m.Finalizers, cur.Finalizers) ||
		!equality.Semantic.DeepEqual(m.Labels, cur.Labels) ||
		!equality.Semantic.DeepEqual(m.Annotations, cur.Annotations))
}

// update applies fn to the status under the lock, recomputes phase and
// conditions, and tells the PodController.
func (pr *podRun) update(fn func(*corev1.PodStatus)) {
	pr.mu.Lock()
	fn(&pr.status)
	recompute(&pr.status, pr.pod, pr.finished)
	pr.mu.Unlock()
	pr.publish()
}

// run prepares the Pod, runs init containers one after the other, then the
// containers side by side, and reports the final phase.
func (pr *podRun) run() {
	defer close(pr.done)
	defer pr.finish()
	if err := pr.prepare(); err != nil {
		log.G(pr.p.ctx).WithField("pod", pr.key).WithError(err).Warn("cannot start pod")
		pr.failStart(err)
		return
	}
	pr.update(func(s *corev1.PodStatus) {
		setCondition(s, corev1.PodReadyToStartContainers, true, "")
	})
	pod := pr.snapshot()
	for i := range pod.Spec.InitContainers {
		if !pr.runContainer(&pod.Spec.InitContainers[i], true) {
			return
		}
	}
	pr.update(func(s *corev1.PodStatus) { setCondition(s, corev1.PodInitialized, true, "") })
	var wg sync.WaitGroup
	for i := range pod.Spec.Containers {
		wg.Add(1)
		go func(c *corev1.Container) {
			defer wg.Done()
			pr.runContainer(c, false)
		}(&pod.Spec.Containers[i])
	}
	wg.Wait()
}

// finish marks the Pod as done so the phase becomes terminal.
func (pr *podRun) finish() {
	pr.mu.Lock()
	pr.finished = true
	pr.mu.Unlock()
	pr.update(func(*corev1.PodStatus) {})
	log.G(pr.p.ctx).WithField("pod", pr.key).WithField("phase", pr.snapshot().Status.Phase).Info("pod finished")
}

// failStart records a preparation failure on every container, the way the
// kubelet reports a container that could not start.
func (pr *podRun) failStart(err error) {
	now := metav1.Now()
	pr.update(func(s *corev1.PodStatus) {
		s.Message = err.Error()
		s.Reason = "StartError"
		for _, list := range [][]corev1.ContainerStatus{s.InitContainerStatuses, s.ContainerStatuses} {
			for i := range list {
				list[i].State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
					ExitCode: 128, Reason: "StartError", Message: err.Error(), StartedAt: now, FinishedAt: now,
				}}
			}
		}
	})
}

// runContainer runs one container to completion, restarting it as the
// Pod's restart policy says; it reports whether it finally exited with 0.
func (pr *podRun) runContainer(c *corev1.Container, initContainer bool) bool {
	for attempt := 0; ; attempt++ {
		code := pr.runOnce(c, initContainer)
		if !pr.shouldRestart(code, initContainer) {
			return code == 0
		}
		// Back off like the kubelet does, but capped low: this is a test node.
		delay := min(time.Duration(1<<min(attempt, 4))*time.Second, 10*time.Second)
		select {
		case <-pr.stopCh:
			return code == 0
		case <-time.After(delay):
		}
		pr.update(func(s *corev1.PodStatus) { markRestart(s, c.Name, initContainer) })
	}
}

func (pr *podRun) shouldRestart(code int, initContainer bool) bool {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.stopping {
		return false
	}
	switch pr.pod.Spec.RestartPolicy {
	case corev1.RestartPolicyAlways:
		// Init containers must finish, so only failed ones run again.
		return !initContainer || code != 0
	case corev1.RestartPolicyOnFailure:
		return code != 0
	}
	return false
}

// runOnce starts the container's process and waits for it; a process that
// cannot start counts as exit code 128, as with the kubelet's StartError.
func (pr *podRun) runOnce(c *corev1.Container, initContainer bool) int {
	select {
	case <-pr.stopCh:
		// Deleted before this container started: it stays Waiting.
		return 137
	default:
	}
	spec, err := pr.launchSpec(c)
	var proc *process
	if err == nil {
		proc, err = startProcess(spec, pr.logPath(c.Name))
	}
	if err != nil {
		log.G(pr.p.ctx).WithField("pod", pr.key).WithField("container", c.Name).WithError(err).Warn("cannot start container")
		pr.setTerminated(c.Name, initContainer, -1, 128, "StartError", err.Error(), time.Now())
		return 128
	}
	pr.setRunning(c.Name, initContainer, proc)
	<-proc.exited
	pr.mu.Lock()
	delete(pr.procs, c.Name)
	pr.mu.Unlock()
	pr.setTerminated(c.Name, initContainer, proc.pid, proc.code, proc.reason, "", proc.started)
	return proc.code
}

func (pr *podRun) setRunning(name string, initContainer bool, proc *process) {
	pr.mu.Lock()
	pr.procs[name] = proc
	if pr.stopping {
		// stop ran while this process was starting; it must not outlive it.
		proc.terminate(pr.grace)
	}
	pr.mu.Unlock()
	pr.update(func(s *corev1.PodStatus) {
		cs := containerStatus(s, name, initContainer)
		cs.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(proc.started)}}
		cs.ContainerID = containerID(proc.pid)
		cs.Started = ptrTo(true)
		cs.Ready = !initContainer
	})
}

func (pr *podRun) setTerminated(name string, initContainer bool, pid, code int, reason, msg string, started time.Time) {
	pr.update(func(s *corev1.PodStatus) {
		cs := containerStatus(s, name, initContainer)
		cs.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			ExitCode: int32(code), Reason: reason, Message: msg,
			StartedAt: metav1.NewTime(started), FinishedAt: metav1.Now(),
			ContainerID: containerID(pid),
		}}
		cs.Ready = false
		cs.Started = ptrTo(false)
		if pid > 0 {
			cs.ContainerID = containerID(pid)
		}
	})
}

// stop ends the Pod: no more (re)starts, SIGTERM to every process group now
// and SIGKILL after grace. Calling it again does not extend the grace.
func (pr *podRun) stop(grace time.Duration) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.stopping {
		return
	}
	pr.stopping = true
	pr.grace = grace
	close(pr.stopCh)
	for _, proc := range pr.procs {
		proc.terminate(grace)
	}
}

// cleanup removes the Pod's folder (emptyDirs, tokens, kubeconfig).
func (pr *podRun) cleanup() {
	if err := os.RemoveAll(pr.dir); err != nil {
		log.G(pr.p.ctx).WithError(err).Warn("cannot remove pod folder")
	}
}

func (pr *podRun) logPath(container string) string {
	return filepath.Join(pr.logDir, container+".log")
}

func containerID(pid int) string {
	if pid <= 0 {
		return ""
	}
	return fmt.Sprintf("process://%d", pid)
}

func ptrTo[T any](v T) *T { return &v }
