package provider

import (
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// mount is one volume mount: where the container sees it and where it is.
type mount struct {
	containerPath string
	localPath     string
}

// pathMap is a container's mounts, longest container path first so the
// first prefix match is the most specific one.
type pathMap []mount

func newPathMap(ms []mount) pathMap {
	out := make(pathMap, 0, len(ms))
	for _, m := range ms {
		m.containerPath = filepath.Clean(m.containerPath)
		if m.containerPath != "/" {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].containerPath) > len(out[j].containerPath) })
	return out
}

// lookup maps an absolute container path that is a mount or lies under one.
func (m pathMap) lookup(p string) (string, bool) {
	if !filepath.IsAbs(p) {
		return "", false
	}
	p = filepath.Clean(p)
	for _, mt := range m {
		if p == mt.containerPath {
			return mt.localPath, true
		}
		if rest, ok := strings.CutPrefix(p, mt.containerPath+"/"); ok {
			return filepath.Join(mt.localPath, rest), true
		}
	}
	return "", false
}

// rewrite maps a whole value that is a container path, or the value part of
// a --flag=/path or NAME=/path.
func (m pathMap) rewrite(v string) string {
	if local, ok := m.lookup(v); ok {
		return local
	}
	if i := strings.IndexByte(v, '='); i > 0 {
		if local, ok := m.lookup(v[i+1:]); ok {
			return v[:i+1] + local
		}
	}
	return v
}

// String is the FORECASTRUN_PATH_MAP value: container=local pairs joined by
// ':', most specific first.
func (m pathMap) String() string {
	parts := make([]string, 0, len(m))
	for _, mt := range m {
		parts = append(parts, mt.containerPath+"="+mt.localPath)
	}
	return strings.Join(parts, ":")
}

// mountEnvName is FORECASTRUN_MOUNT_ plus the container path upper-cased
// with every run of other characters than A-Z and 0-9 turned into one '_'.
func mountEnvName(containerPath string) string {
	var b strings.Builder
	b.WriteString("FORECASTRUN_MOUNT")
	sep := true
	for _, r := range strings.ToUpper(containerPath) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			if sep {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			sep = false
			continue
		}
		sep = true
	}
	return b.String()
}

// environment builds a container's process environment. It starts clean (no
// host variables leak in, notably no admin KUBECONFIG), adds defaults the
// Pod may override, the Pod's env as resolved by virtual-kubelet (downward
// API included), and last the variables the agent owns.
func (pr *podRun) environment(c *corev1.Container, pod *corev1.Pod, mounts pathMap, imageDir string) []string {
	vars := map[string]string{
		"PATH":     hostPath(imageDir),
		"HOME":     filepath.Join(pr.dir, "home"),
		"TMPDIR":   filepath.Join(pr.dir, "tmp"),
		"HOSTNAME": pod.Name,
	}
	for _, d := range []string{vars["HOME"], vars["TMPDIR"]} {
		_ = os.MkdirAll(d, 0o755)
	}
	for _, e := range c.Env {
		if isServiceLinkForAPIServer(e.Name) {
			continue
		}
		v := e.Value
		if pr.p.cfg.RewritePaths {
			v = mounts.rewrite(v)
		}
		vars[e.Name] = v
	}
	for k, v := range pr.agentVars(mounts) {
		vars[k] = v
	}
	env := make([]string, 0, len(vars))
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return env
}

// agentVars are the variables the agent owns: where the API server really
// is, the ServiceAccount's kubeconfig, and the path mapping.
func (pr *podRun) agentVars(mounts pathMap) map[string]string {
	vars := map[string]string{
		"FORECASTRUN_NODEAGENT": "1",
		"FORECASTRUN_POD_DIR":   pr.dir,
		"FORECASTRUN_PATH_MAP":  mounts.String(),
	}
	for _, m := range mounts {
		vars[mountEnvName(m.containerPath)] = m.localPath
	}
	if u, err := url.Parse(pr.p.cfg.APIServer); err == nil {
		if host, port, err := net.SplitHostPort(u.Host); err == nil {
			vars["KUBERNETES_SERVICE_HOST"] = host
			vars["KUBERNETES_SERVICE_PORT"] = port
			vars["KUBERNETES_SERVICE_PORT_HTTPS"] = port
		}
	}
	if pr.hasCredentials() {
		vars["KUBECONFIG"] = filepath.Join(pr.dir, "serviceaccount", "kubeconfig")
		vars["FORECASTRUN_SERVICEACCOUNT_DIR"] = filepath.Join(pr.dir, "serviceaccount")
	}
	return vars
}

// isServiceLinkForAPIServer spots the kubernetes Service's link variables,
// which point at a ClusterIP nobody serves here; agentVars sets real ones.
func isServiceLinkForAPIServer(name string) bool {
	return strings.HasPrefix(name, "KUBERNETES_SERVICE_") || strings.HasPrefix(name, "KUBERNETES_PORT")
}

// hostPath puts the image folder first so scripts find its binaries by name.
func hostPath(imageDir string) string {
	p := os.Getenv("PATH")
	if p == "" {
		p = "/usr/local/bin:/usr/bin:/bin"
	}
	if imageDir == "" {
		return p
	}
	return imageDir + string(os.PathListSeparator) + p
}

// envLookup reads a variable from a KEY=VALUE list.
func envLookup(env []string) func(string) (string, bool) {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}
