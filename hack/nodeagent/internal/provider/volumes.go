package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// prepare makes the Pod's folders, credentials and volumes, and records
// every container's mounts. Nothing runs before it succeeded.
func (pr *podRun) prepare() error {
	ctx := pr.p.ctx
	pod := pr.snapshot()
	if err := os.MkdirAll(pr.dir, 0o755); err != nil {
		return err
	}
	if automount(pod) {
		if err := pr.setupCredentials(pod); err != nil {
			return err
		}
	}
	vols := map[string]string{}
	for i := range pod.Spec.Volumes {
		v := &pod.Spec.Volumes[i]
		dir, err := pr.prepareVolume(ctx, pod, v)
		if err != nil {
			return fmt.Errorf("volume %q: %w", v.Name, err)
		}
		vols[v.Name] = dir
	}
	mounts, err := containerMounts(pod, vols)
	if err != nil {
		return err
	}
	pr.mu.Lock()
	pr.mounts = mounts
	pr.mu.Unlock()
	return pr.issueTokens(ctx, pod)
}

func automount(pod *corev1.Pod) bool {
	return pod.Spec.AutomountServiceAccountToken == nil || *pod.Spec.AutomountServiceAccountToken
}

// containerMounts maps every container's volume mounts (subPath included).
func containerMounts(pod *corev1.Pod, vols map[string]string) (map[string]pathMap, error) {
	out := map[string]pathMap{}
	all := append(append([]corev1.Container{}, pod.Spec.InitContainers...), pod.Spec.Containers...)
	for _, c := range all {
		var ms []mount
		for _, vm := range c.VolumeMounts {
			local, ok := vols[vm.Name]
			if !ok {
				return nil, fmt.Errorf("container %q mounts unknown volume %q", c.Name, vm.Name)
			}
			if vm.SubPath != "" {
				local = filepath.Join(local, vm.SubPath)
				if err := os.MkdirAll(local, 0o755); err != nil {
					return nil, err
				}
			}
			ms = append(ms, mount{containerPath: vm.MountPath, localPath: local})
		}
		out[c.Name] = newPathMap(ms)
	}
	return out, nil
}

// prepareVolume returns the local folder behind a volume, filled when the
// volume's content comes from the API.
func (pr *podRun) prepareVolume(ctx context.Context, pod *corev1.Pod, v *corev1.Volume) (string, error) {
	local := filepath.Join(pr.dir, "volumes", v.Name)
	switch {
	case v.EmptyDir != nil:
		return local, os.MkdirAll(local, 0o777)
	case v.PersistentVolumeClaim != nil:
		dir := filepath.Join(pr.p.cfg.StateDir, "pvc", pod.Namespace, v.PersistentVolumeClaim.ClaimName)
		return dir, os.MkdirAll(dir, 0o777)
	case v.HostPath != nil:
		return v.HostPath.Path, nil
	case v.ConfigMap != nil:
		files, err := pr.configMapFiles(ctx, pod.Namespace, v.ConfigMap.Name, v.ConfigMap.Items, isTrue(v.ConfigMap.Optional))
		return local, writeFiles(local, files, v.ConfigMap.DefaultMode, err)
	case v.Secret != nil:
		files, err := pr.secretFiles(ctx, pod.Namespace, v.Secret.SecretName, v.Secret.Items, isTrue(v.Secret.Optional))
		return local, writeFiles(local, files, v.Secret.DefaultMode, err)
	case v.DownwardAPI != nil:
		files, err := downwardFiles(pod, v.DownwardAPI.Items)
		return local, writeFiles(local, files, v.DownwardAPI.DefaultMode, err)
	case v.Projected != nil:
		files, err := pr.projectedFiles(ctx, pod, local, v.Projected.Sources)
		return local, writeFiles(local, files, v.Projected.DefaultMode, err)
	}
	return "", fmt.Errorf("this volume type is not supported by the node agent (emptyDir, persistentVolumeClaim, hostPath, configMap, secret, downwardAPI and projected are)")
}

// projectedFiles merges the sources; ServiceAccount tokens are registered
// to be issued (and refreshed) into their files instead.
func (pr *podRun) projectedFiles(ctx context.Context, pod *corev1.Pod, local string, sources []corev1.VolumeProjection) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, s := range sources {
		var files map[string][]byte
		var err error
		switch {
		case s.ServiceAccountToken != nil:
			t := s.ServiceAccountToken
			var auds []string
			if t.Audience != "" {
				auds = []string{t.Audience}
			}
			pr.addTokenTarget(auds, expirationOr(t.ExpirationSeconds), filepath.Join(local, t.Path))
		case s.ConfigMap != nil:
			files, err = pr.configMapFiles(ctx, pod.Namespace, s.ConfigMap.Name, s.ConfigMap.Items, isTrue(s.ConfigMap.Optional))
		case s.Secret != nil:
			files, err = pr.secretFiles(ctx, pod.Namespace, s.Secret.Name, s.Secret.Items, isTrue(s.Secret.Optional))
		case s.DownwardAPI != nil:
			files, err = downwardFiles(pod, s.DownwardAPI.Items)
		}
		if err != nil {
			return nil, err
		}
		for k, v := range files {
			out[k] = v
		}
	}
	return out, nil
}

func (pr *podRun) configMapFiles(ctx context.Context, ns, name string, items []corev1.KeyToPath, optional bool) (map[string][]byte, error) {
	cm, err := pr.p.cfg.Client.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) && optional {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("configmap %s/%s: %w", ns, name, err)
	}
	data := map[string][]byte{}
	for k, v := range cm.Data {
		data[k] = []byte(v)
	}
	for k, v := range cm.BinaryData {
		data[k] = v
	}
	return selectItems("configmap "+ns+"/"+name, data, items, optional)
}

func (pr *podRun) secretFiles(ctx context.Context, ns, name string, items []corev1.KeyToPath, optional bool) (map[string][]byte, error) {
	sec, err := pr.p.cfg.Client.CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) && optional {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("secret %s/%s: %w", ns, name, err)
	}
	return selectItems("secret "+ns+"/"+name, sec.Data, items, optional)
}

// selectItems applies a volume's items list: all keys when it is empty.
func selectItems(what string, data map[string][]byte, items []corev1.KeyToPath, optional bool) (map[string][]byte, error) {
	if len(items) == 0 {
		return data, nil
	}
	out := map[string][]byte{}
	for _, it := range items {
		v, ok := data[it.Key]
		if !ok && !optional {
			return nil, fmt.Errorf("%s has no key %q", what, it.Key)
		}
		if ok {
			out[it.Path] = v
		}
	}
	return out, nil
}

// downwardFiles writes the Pod fields a downwardAPI volume asks for.
func downwardFiles(pod *corev1.Pod, items []corev1.DownwardAPIVolumeFile) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, it := range items {
		if it.FieldRef == nil {
			return nil, fmt.Errorf("downwardAPI item %q: only fieldRef is supported", it.Path)
		}
		v, err := fieldValue(pod, it.FieldRef.FieldPath)
		if err != nil {
			return nil, err
		}
		out[it.Path] = []byte(v)
	}
	return out, nil
}

// fieldValue reads the downward API fields volumes use.
func fieldValue(pod *corev1.Pod, path string) (string, error) {
	if key, ok := subscript(path, "metadata.labels"); ok {
		return pod.Labels[key], nil
	}
	if key, ok := subscript(path, "metadata.annotations"); ok {
		return pod.Annotations[key], nil
	}
	switch path {
	case "metadata.name":
		return pod.Name, nil
	case "metadata.namespace":
		return pod.Namespace, nil
	case "metadata.uid":
		return string(pod.UID), nil
	case "metadata.labels":
		return formatMap(pod.Labels), nil
	case "metadata.annotations":
		return formatMap(pod.Annotations), nil
	case "spec.nodeName":
		return pod.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	}
	return "", fmt.Errorf("downward API field %q is not supported by the node agent", path)
}

// subscript splits metadata.labels['key'] into its key.
func subscript(path, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(path, prefix+"['")
	if !ok || !strings.HasSuffix(rest, "']") {
		return "", false
	}
	return strings.TrimSuffix(rest, "']"), true
}

// formatMap renders labels or annotations like the kubelet: key="value" lines.
func formatMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%q\n", k, m[k])
	}
	return b.String()
}

// writeFiles writes a volume's files; err is the error from collecting them,
// passed through so callers stay one line.
func writeFiles(dir string, files map[string][]byte, mode *int32, err error) error {
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	perm := os.FileMode(0o644)
	if mode != nil {
		perm = os.FileMode(*mode)
	}
	for rel, data := range files {
		p := filepath.Join(dir, rel)
		if !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			return fmt.Errorf("file path %q leaves the volume", rel)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		// Owner read/write always: the process runs as the agent's user.
		if err := os.WriteFile(p, data, perm|0o600); err != nil {
			return err
		}
	}
	return nil
}

func isTrue(b *bool) bool { return b != nil && *b }
