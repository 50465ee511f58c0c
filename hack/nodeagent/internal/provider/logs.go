package provider

import (
	"bytes"
	"context"
	"io"
	"os"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/errdefs"
	"github.com/virtual-kubelet/virtual-kubelet/node/api"
)

// GetContainerLogs serves `kubectl logs` from the per-container log file
// (stdout and stderr interleaved). tail, limitBytes and follow are honoured;
// timestamps, since and previous are not (one file spans all restarts).
func (p *Provider) GetContainerLogs(ctx context.Context, namespace, podName, containerName string, opts api.ContainerLogOpts) (io.ReadCloser, error) {
	pr := p.lookup(namespace, podName)
	if pr == nil {
		return nil, errdefs.NotFoundf("pod %s/%s is not known", namespace, podName)
	}
	f, err := os.Open(pr.logPath(containerName))
	if os.IsNotExist(err) {
		return io.NopCloser(bytes.NewReader(nil)), nil
	}
	if err != nil {
		return nil, err
	}
	if opts.Tail > 0 {
		if err := seekToTail(f, opts.Tail); err != nil {
			f.Close()
			return nil, err
		}
	}
	var r io.ReadCloser = f
	if opts.Follow {
		r = &follower{ctx: ctx, f: f, done: pr.done}
	}
	if opts.LimitBytes > 0 {
		r = limitCloser{Reader: io.LimitReader(r, int64(opts.LimitBytes)), Closer: r}
	}
	return r, nil
}

// seekToTail positions f at the start of its last n lines. Logs of this
// tool are small, so reading the file once is fine.
func seekToTail(f *os.File, n int) error {
	data, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	end := len(data)
	if end > 0 && data[end-1] == '\n' {
		end--
	}
	start := end
	for lines := 0; start > 0; start-- {
		if data[start-1] == '\n' {
			lines++
			if lines == n {
				break
			}
		}
	}
	_, err = f.Seek(int64(start), io.SeekStart)
	return err
}

type limitCloser struct {
	io.Reader
	io.Closer
}

// follower reads a growing file until the Pod's processes are done and
// everything written has been read, or the request goes away.
type follower struct {
	ctx  context.Context
	f    *os.File
	done <-chan struct{}
}

func (fl *follower) Read(b []byte) (int, error) {
	for {
		n, err := fl.f.Read(b)
		if n > 0 || err != io.EOF {
			return n, err
		}
		select {
		case <-fl.done:
			// One more read catches output written just before the end.
			return fl.f.Read(b)
		case <-fl.ctx.Done():
			return 0, io.EOF
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (fl *follower) Close() error { return fl.f.Close() }
