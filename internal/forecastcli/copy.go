package forecastcli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/export"
)

// copyOptions are the flags of `results --copy`.
type copyOptions struct {
	dir       string
	image     string
	overwrite bool
	timeout   time.Duration
}

// cleanupTimeout bounds the deferred delete of the export Pod, which runs
// with the command's own context possibly cancelled (Ctrl-C, --timeout).
const cleanupTimeout = 30 * time.Second

// copyResults copies a finished run's result files from its output claim
// into opts.dir: a Pod mounts the claim read-only and runs `runner export`,
// and the plugin decodes the Pod's log. Nothing is written to the folder
// unless the whole stream arrived intact. w gets the list of copied files.
func (g *globals) copyResults(ctx context.Context, s *session, run *v1alpha1.ForecastRun, opts copyOptions, w io.Writer) error {
	if err := copyable(run); err != nil {
		return err
	}
	if err := os.MkdirAll(opts.dir, 0o755); err != nil {
		return fmt.Errorf("creating the destination folder: %w", err)
	}
	if err := checkTargets(opts.dir, knownResults, opts.overwrite); err != nil {
		return err
	}
	runner, err := s.runnerFor(ctx, run, opts.image)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.timeout)
	defer cancel()

	pod := exportPod(run, runner, opts.timeout)
	if err := s.Create(ctx, pod); err != nil {
		return fmt.Errorf("creating the export Pod in namespace %s: %w", run.Namespace, notFoundHint(err, run.Namespace))
	}
	defer s.deletePod(ctx, pod, g.streams.ErrOut)
	fmt.Fprintf(g.streams.ErrOut, "Copying the result files of forecastrun/%s through Pod %s...\n", run.Name, pod.Name)

	files, err := g.exportThrough(ctx, s, pod, opts)
	if err != nil {
		return g.explainCopyFailure(ctx, s, run, pod, opts, err)
	}
	printCopied(w, run, opts.dir, files)
	return nil
}

// copyable says why a run's files cannot be copied, if they cannot.
func copyable(run *v1alpha1.ForecastRun) error {
	if run.Status.Phase != v1alpha1.PhaseSucceeded {
		return fmt.Errorf("forecastrun/%s in namespace %s is %s, not Succeeded: only a Succeeded run's result files can be copied",
			run.Name, run.Namespace, orUnknown(string(run.Status.Phase), "Pending"))
	}
	if run.Spec.Output == nil {
		return fmt.Errorf("forecastrun/%s in namespace %s has no spec.output: its result files stayed in the runner Pod and went with it; "+
			"give a run an output claim (run --output pvc:CLAIM[/PATH]) to keep them", run.Name, run.Namespace)
	}
	if store := run.Spec.Output.ObjectStore; store != nil {
		return fmt.Errorf("forecastrun/%s in namespace %s wrote its result files to a bucket, not to a claim: read them from s3://%s/ on %s with any S3 client",
			run.Name, run.Namespace, path.Join(store.Bucket, store.Prefix, run.Name), store.Endpoint)
	}
	return nil
}

// runnerFor finds the runner image in the run's Job, with the Job's
// ServiceAccount and user; image, when given, wins. Finished Jobs are
// deleted after their TTL, and then only image can say it.
func (s *session) runnerFor(ctx context.Context, run *v1alpha1.ForecastRun, image string) (runnerSpec, error) {
	job, jobErr := s.runnerJob(ctx, run)
	spec := runnerOf(job)
	if image != "" {
		spec.image = image
		return spec, nil
	}
	if jobErr != nil {
		return spec, jobErr
	}
	if spec.image == "" {
		return spec, fmt.Errorf("job %s of forecastrun/%s in namespace %s has no container image; pass --image with the runner image", job.Name, run.Name, run.Namespace)
	}
	return spec, nil
}

// passImage is the advice every "image unknown" error ends with.
const passImage = "pass --image with the runner image (the manager's --runner-image, e.g. ghcr.io/forecastrun/forecastrun:TAG)"

// runnerJob reads the run's Job; the error says how to do without it.
func (s *session) runnerJob(ctx context.Context, run *v1alpha1.ForecastRun) (*batchv1.Job, error) {
	if run.Status.JobName == "" {
		return nil, fmt.Errorf("forecastrun/%s in namespace %s names no runner Job, so its runner image is unknown: %s", run.Name, run.Namespace, passImage)
	}
	var job batchv1.Job
	err := s.Get(ctx, client.ObjectKey{Namespace: run.Namespace, Name: run.Status.JobName}, &job)
	switch {
	case apierrors.IsNotFound(err):
		return nil, fmt.Errorf("job %s of forecastrun/%s in namespace %s is gone (finished Jobs are deleted after their TTL), so the runner image is unknown: %s",
			run.Status.JobName, run.Name, run.Namespace, passImage)
	case err != nil:
		return nil, fmt.Errorf("reading job %s of forecastrun/%s to find the runner image: %w; or %s", run.Status.JobName, run.Name, notFoundHint(err, run.Namespace), passImage)
	}
	return &job, nil
}

// exportThrough waits for the export Pod to start and decodes its log as
// it is written. Following the log, rather than reading it once the Pod
// ended, keeps up with a kubelet that rotates the log part-way.
func (g *globals) exportThrough(ctx context.Context, s *session, pod *corev1.Pod, opts copyOptions) ([]export.File, error) {
	if err := g.awaitStart(ctx, s, pod); err != nil {
		return nil, err
	}
	cs, err := kubernetes.NewForConfig(s.config)
	if err != nil {
		return nil, fmt.Errorf("connecting for the Pod's log: %w", err)
	}
	logs, err := cs.CoreV1().Pods(pod.Namespace).GetLogs(pod.Name, &corev1.PodLogOptions{Container: exportContainer, Follow: true}).Stream(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the log of Pod %s: %w", pod.Name, notFoundHint(err, pod.Namespace))
	}
	defer logs.Close()
	return receiveFiles(logs, opts.dir, opts.overwrite)
}

// startFailures are waiting reasons that will not go away by waiting.
var startFailures = map[string]bool{
	"ErrImagePull": true, "ImagePullBackOff": true, "InvalidImageName": true, "ErrImageNeverPull": true,
	"CreateContainerConfigError": true, "CreateContainerError": true, "RunContainerError": true,
}

// awaitStart polls the Pod until its container has started (or already
// ended), failing at once when it cannot start. Other read errors are
// retried until the timeout: the last state seen goes into its message.
func (g *globals) awaitStart(ctx context.Context, s *session, pod *corev1.Pod) error {
	for {
		var fresh corev1.Pod
		err := s.Get(ctx, client.ObjectKeyFromObject(pod), &fresh)
		switch {
		case apierrors.IsNotFound(err):
			return fmt.Errorf("export Pod %s was deleted before it started", pod.Name)
		case apierrors.IsForbidden(err):
			return fmt.Errorf("reading export Pod %s: %w", pod.Name, notFoundHint(err, pod.Namespace))
		case err == nil:
			*pod = fresh
			if started, err := podStarted(pod); started || err != nil {
				return err
			}
		}
		if err := sleep(ctx, g.poll); err != nil {
			return fmt.Errorf("export Pod %s did not start: %w (%s)", pod.Name, err, podState(pod))
		}
	}
}

// podStarted reports whether the Pod's log can be followed, or why the
// Pod will never start.
func podStarted(pod *corev1.Pod) (bool, error) {
	if pod.Status.Phase != corev1.PodPending && pod.Status.Phase != "" {
		return true, nil
	}
	for _, c := range pod.Status.ContainerStatuses {
		if c.State.Running != nil || c.State.Terminated != nil {
			return true, nil
		}
		if w := c.State.Waiting; w != nil && startFailures[w.Reason] {
			return false, fmt.Errorf("export Pod %s cannot start: %s: %s (is the image %s right? --image sets it)", pod.Name, w.Reason, w.Message, pod.Spec.Containers[0].Image)
		}
	}
	return false, nil
}

// podState is a Pod's phase and what its container waits for or how it
// ended, for error messages.
func podState(pod *corev1.Pod) string {
	state := "phase " + orUnknown(string(pod.Status.Phase), "Pending")
	for _, c := range pod.Status.ContainerStatuses {
		switch {
		case c.State.Waiting != nil:
			state += ", waiting: " + strings.TrimSuffix(c.State.Waiting.Reason+": "+c.State.Waiting.Message, ": ")
		case c.State.Terminated != nil:
			t := c.State.Terminated
			state += fmt.Sprintf(", exit code %d", t.ExitCode)
			if t.Reason != "" {
				state += " (" + t.Reason + ")"
			}
		}
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
			state += ", not scheduled: " + c.Message
		}
	}
	return state
}

// explainCopyFailure adds what the user can act on: the Pod's end when it
// failed, what a truncated or damaged log means, that nothing was written.
func (g *globals) explainCopyFailure(ctx context.Context, s *session, run *v1alpha1.ForecastRun, pod *corev1.Pod, opts copyOptions, err error) error {
	written := "nothing was written"
	switch {
	case errors.Is(err, errPartial):
		written = "only the files named were written"
	case errors.Is(err, export.ErrTruncated):
		err = fmt.Errorf("%w; the export Pod's log ended early: the Pod was stopped, the connection dropped, or the node rotated part of the log away (containerLogMaxSize, 10Mi by default)", err)
	case errors.Is(err, export.ErrCorrupt):
		err = fmt.Errorf("%w; the export Pod's log did not arrive intact", err)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("%w (the --timeout of %s passed)", err, opts.timeout)
	}
	var streamErr *export.StreamError
	if errors.As(err, &streamErr) && ctx.Err() == nil {
		// The Pod's end, when it failed, is often the real cause.
		if ended := g.podEnd(ctx, s, pod); ended != nil && ended.Status.Phase == corev1.PodFailed {
			err = fmt.Errorf("%w (Pod %s: %s)", err, pod.Name, podState(ended))
		}
	}
	where := path.Join(run.Spec.Output.PersistentVolumeClaim.Path, run.Name)
	return fmt.Errorf("copying the result files of forecastrun/%s (claim %s, folder %s/) into %s: %w; %s",
		run.Name, run.Spec.Output.PersistentVolumeClaim.ClaimName, where, opts.dir, err, written)
}

// podEnd waits a few seconds for the Pod to reach its final phase, which
// the node reports a moment after its log ends; nil when it did not.
func (g *globals) podEnd(ctx context.Context, s *session, pod *corev1.Pod) *corev1.Pod {
	deadline := time.Now().Add(5 * time.Second)
	for {
		var fresh corev1.Pod
		if err := s.Get(ctx, client.ObjectKeyFromObject(pod), &fresh); err != nil {
			return nil
		}
		if fresh.Status.Phase == corev1.PodSucceeded || fresh.Status.Phase == corev1.PodFailed {
			return &fresh
		}
		if time.Now().After(deadline) || sleep(ctx, g.poll) != nil {
			return nil
		}
	}
}

// deletePod removes the export Pod, also when the command was interrupted
// or timed out, so no Pod is left behind.
func (s *session) deletePod(ctx context.Context, pod *corev1.Pod, errOut io.Writer) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if err := s.Delete(ctx, pod); err != nil && !apierrors.IsNotFound(err) {
		fmt.Fprintf(errOut, "warning: could not delete the export Pod %s in namespace %s: %v; delete it with kubectl delete pod %s -n %s\n",
			pod.Name, pod.Namespace, err, pod.Name, pod.Namespace)
	}
}

// printCopied lists what was copied, in stream order.
func printCopied(w io.Writer, run *v1alpha1.ForecastRun, dir string, files []export.File) {
	fmt.Fprintf(w, "Copied %d files of forecastrun/%s into %s:\n", len(files), run.Name, dir)
	tw := table(w)
	fmt.Fprintln(tw, "FILE\tSIZE")
	for _, f := range files {
		fmt.Fprintf(tw, "%s\t%d bytes\n", f.Name, f.Size)
	}
	_ = tw.Flush()
}
