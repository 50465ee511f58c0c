package forecastcli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/forecastrun/forecastrun/internal/testutil"
)

// served is a running `kubectl forecast dashboard` and a browser-like
// client signed in to it.
type served struct {
	url    string // the first line printed: http://127.0.0.1:PORT/?token=...
	base   string // http://127.0.0.1:PORT
	client *http.Client
}

// serveDashboard runs `kubectl forecast dashboard` in-process until the
// test ends, with kubeconfig and args, and returns the URL it printed.
func serveDashboard(t *testing.T, kubeconfig string, args ...string) *served {
	t.Helper()
	pr, pw := io.Pipe()
	g := &globals{
		streams: Streams{Out: pw, ErrOut: io.Discard},
		loading: clientcmd.NewDefaultClientConfigLoadingRules(),
		settle:  0, // no controller runs here: do not wait for a phase
		poll:    20 * time.Millisecond,
		now:     time.Now,
	}
	root := newRoot(g)
	root.SetArgs(append([]string{"dashboard", "--kubeconfig", kubeconfig}, args...))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx); pw.Close() }()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		cancel()
		t.Fatalf("kubectl forecast dashboard printed nothing: %v", <-done)
	}
	first := lines.Text()
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("kubectl forecast dashboard ended with %v after an interrupt; want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("kubectl forecast dashboard still serves 10s after an interrupt")
		}
	})
	u, err := url.Parse(first)
	if err != nil {
		t.Fatalf("the first line %q is not a URL: %v", first, err)
	}
	jar, _ := cookiejar.New(nil)
	return &served{url: first, base: "http://" + u.Host, client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// signIn opens the printed URL, as the user's browser does.
func (s *served) signIn(t *testing.T) *served {
	t.Helper()
	res, err := s.client.Get(s.url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("opening %s: %s; want the page", s.url, res.Status)
	}
	return s
}

// get reads path and decodes the JSON answer into v, returning the status.
func (s *served) get(t *testing.T, path string, v any) int {
	t.Helper()
	res, err := s.client.Get(s.base + path)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, res, v)
}

// post sends body as JSON from the page's own origin.
func (s *served) post(t *testing.T, path string, body any, v any) int {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", s.base)
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, res, v)
}

func decode(t *testing.T, res *http.Response, v any) int {
	t.Helper()
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s answered %s %q: %v", res.Request.Method, res.Request.URL.Path, res.Status, b, err)
		}
	}
	return res.StatusCode
}

// apiError is the body of a refused request.
type apiError struct {
	Error string `json:"error"`
}

// viewerKubeconfig is the suite's kubeconfig acting, by impersonation, as
// a user who may read runs, Leases and schedules in ns but create nothing.
func viewerKubeconfig(t *testing.T, ns string) string {
	t.Helper()
	user := "viewer-of-" + ns
	role := &rbacv1.Role{}
	role.Name, role.Namespace = "dashboard-viewer", ns
	role.Rules = []rbacv1.PolicyRule{
		{APIGroups: []string{"forecasting.dev"}, Resources: []string{"forecastruns", "forecastschedules"}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, Verbs: []string{"get", "list", "watch"}},
	}
	ctx := context.Background()
	if err := k8s.Create(ctx, role); err != nil {
		t.Fatal(err)
	}
	binding := testutil.RoleBinding(ns, "dashboard-viewer", "Role", role.Name, rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: user})
	if err := k8s.Create(ctx, binding); err != nil {
		t.Fatal(err)
	}
	return testutil.KubeconfigAs(t, controlPlane.Kubeconfig, user)
}

// nextState reads server-sent events until a state event satisfies ok.
func nextState(t *testing.T, events *bufio.Reader, within time.Duration, ok func(*dashboardState) bool) *dashboardState {
	t.Helper()
	found := make(chan *dashboardState, 1)
	go func() {
		for {
			line, err := events.ReadString('\n')
			if err != nil {
				close(found)
				return
			}
			data, isData := strings.CutPrefix(strings.TrimSpace(line), "data: ")
			var st dashboardState
			if isData && json.Unmarshal([]byte(data), &st) == nil && ok(&st) {
				found <- &st
				return
			}
		}
	}()
	select {
	case st, open := <-found:
		if !open {
			t.Fatal("the event stream ended")
		}
		return st
	case <-time.After(within):
		t.Fatalf("no state event within %s satisfied the test", within)
	}
	return nil
}

func runRowNamed(st *dashboardState, name string) *runRow {
	for i := range st.Runs {
		if st.Runs[i].Name == name {
			return &st.Runs[i]
		}
	}
	return nil
}
