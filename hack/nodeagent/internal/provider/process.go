package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// launchSpec is a container turned into a local command line.
type launchSpec struct {
	argv0 string // as written in the Pod, shown to the program as its name
	path  string // the binary that runs
	args  []string
	env   []string
	dir   string
}

// process is one started container process.
type process struct {
	cmd     *exec.Cmd
	pid     int
	started time.Time
	exited  chan struct{}
	code    int
	reason  string

	once sync.Once
}

// startProcess starts the command in its own process group (so signals
// reach what a shell started too) with stdout and stderr appended to the
// log file.
func startProcess(s launchSpec, logPath string) (*process, error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(s.path, s.args...)
	cmd.Args[0] = s.argv0
	cmd.Env, cmd.Dir = s.env, s.dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Pdeathsig: if the agent is killed outright, its children go with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	p := &process{cmd: cmd, pid: cmd.Process.Pid, started: time.Now(), exited: make(chan struct{})}
	go p.wait(logFile)
	return p, nil
}

func (p *process) wait(logFile *os.File) {
	err := p.cmd.Wait()
	logFile.Close()
	// Whatever the main process left behind in its group dies with it, as
	// when a container's init process exits.
	_ = syscall.Kill(-p.pid, syscall.SIGKILL)
	p.code, p.reason = exitStatus(p.cmd.ProcessState, err)
	close(p.exited)
}

// exitStatus follows the container runtimes: 128+N for a signal N.
func exitStatus(st *os.ProcessState, err error) (int, string) {
	if st == nil {
		return 128, fmt.Sprintf("wait: %v", err)
	}
	code := st.ExitCode()
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		code = 128 + int(ws.Signal())
	}
	if code == 0 {
		return 0, "Completed"
	}
	return code, "Error"
}

// terminate sends SIGTERM to the process group now and SIGKILL after grace
// unless the process has exited by then.
func (p *process) terminate(grace time.Duration) {
	p.once.Do(func() {
		_ = syscall.Kill(-p.pid, syscall.SIGTERM)
		go func() {
			select {
			case <-p.exited:
			case <-time.After(grace):
				_ = syscall.Kill(-p.pid, syscall.SIGKILL)
			}
		}()
	})
}

// launchSpec resolves a container's command, arguments, environment and
// working directory against this Pod's mounts.
func (pr *podRun) launchSpec(c *corev1.Container) (launchSpec, error) {
	pr.mu.Lock()
	mounts := pr.mounts[c.Name]
	pod := pr.pod
	pr.mu.Unlock()
	imageDir := pr.p.cfg.ImageMap[c.Image]
	env := pr.environment(c, pod, mounts, imageDir)
	lookup := envLookup(env)
	argv := make([]string, 0, len(c.Command)+len(c.Args))
	for _, a := range append(append([]string{}, c.Command...), c.Args...) {
		argv = append(argv, expandVars(a, lookup))
	}
	if len(c.Command) == 0 {
		return launchSpec{}, fmt.Errorf("container %q has no command: the node agent cannot read an image's entrypoint, so the Pod must set command", c.Name)
	}
	if pr.p.cfg.RewritePaths {
		for i := 1; i < len(argv); i++ {
			argv[i] = mounts.rewrite(argv[i])
		}
	}
	pathEnv, _ := lookup("PATH")
	path, err := resolveCommand(argv[0], imageDir, pathEnv)
	if err != nil {
		return launchSpec{}, fmt.Errorf("container %q: %w", c.Name, err)
	}
	dir, err := pr.workingDir(c, mounts)
	if err != nil {
		return launchSpec{}, err
	}
	return launchSpec{argv0: argv[0], path: path, args: argv[1:], env: env, dir: dir}, nil
}

// workingDir maps workingDir through the mounts; anything else (the image's
// own folders do not exist here) becomes the Pod's work folder.
func (pr *podRun) workingDir(c *corev1.Container, mounts pathMap) (string, error) {
	if local, ok := mounts.lookup(c.WorkingDir); ok {
		return local, nil
	}
	dir := filepath.Join(pr.dir, "work", c.Name)
	return dir, os.MkdirAll(dir, 0o755)
}

// resolveCommand finds the binary for argv0. With an image folder: an
// absolute /a/b is looked up as IMAGE/a/b then IMAGE/b, a bare name as
// IMAGE/name. Otherwise, or when not found there, the host: an absolute path
// as is, a bare name on the process's PATH.
func resolveCommand(argv0, imageDir, pathEnv string) (string, error) {
	if imageDir != "" {
		candidates := []string{filepath.Join(imageDir, argv0)}
		if filepath.IsAbs(argv0) {
			candidates = append(candidates, filepath.Join(imageDir, filepath.Base(argv0)))
		}
		for _, c := range candidates {
			if isExecutable(c) {
				return c, nil
			}
		}
	}
	if filepath.IsAbs(argv0) {
		if isExecutable(argv0) {
			return argv0, nil
		}
		return "", fmt.Errorf("command %q not found (image folder %q)", argv0, imageDir)
	}
	if strings.Contains(argv0, "/") {
		return "", fmt.Errorf("relative command %q not found in image folder %q", argv0, imageDir)
	}
	for _, d := range filepath.SplitList(pathEnv) {
		if c := filepath.Join(d, argv0); d != "" && isExecutable(c) {
			return c, nil
		}
	}
	return "", fmt.Errorf("command %q not found in image folder %q or on PATH", argv0, imageDir)
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}

// expandVars expands $(NAME) from the environment as the kubelet does for
// command and args: unknown names stay as written and $$ escapes a $.
func expandVars(s string, lookup func(string) (string, bool)) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch {
		case s[i+1] == '$':
			b.WriteByte('$')
			i++
		case s[i+1] == '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteByte(s[i])
				continue
			}
			name := s[i+2 : i+2+end]
			if v, ok := lookup(name); ok {
				b.WriteString(v)
			} else {
				b.WriteString(s[i : i+3+end])
			}
			i += 2 + end
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
