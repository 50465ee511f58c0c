package forecastcli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// dashboard serves the page's API with the user's kubeconfig.
type dashboard struct {
	g       *globals
	base    *session
	watcher client.WithWatch
	// reports holds the report.html of runs already fetched, by UID: a
	// finished run's files do not change, and each fetch costs a Pod.
	reportsMu sync.Mutex
	reports   map[string][]byte
}

// sessionFor is the session in the namespace the page asks for.
func (d *dashboard) sessionFor(w http.ResponseWriter, r *http.Request) (*session, bool) {
	ns := r.URL.Query().Get("namespace")
	if ns == "" {
		return d.base, true
	}
	if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
		writeError(w, http.StatusBadRequest, fmt.Errorf("namespace %q is not a namespace name: %s", ns, errs[0]))
		return nil, false
	}
	return d.base.in(ns), true
}

func (d *dashboard) state(w http.ResponseWriter, r *http.Request) {
	s, ok := d.sessionFor(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.readState(r.Context(), d.g.now()))
}

// newRunForm is what the page's "New run" form sends.
type newRunForm struct {
	Mode     string `json:"mode"`
	Dataset  string `json:"dataset"`
	Priority string `json:"priority"`
	Output   string `json:"output"`
}

// created is the answer to a create or a rerun: the new run and where it
// stands once the controller has placed it.
type created struct {
	Name     string `json:"name"`
	Outcome  string `json:"outcome"` // running, queued, duplicate, rejected, finished or pending
	Standing string `json:"standing"`
}

func (d *dashboard) createRun(w http.ResponseWriter, r *http.Request) {
	s, ok := d.sessionFor(w, r)
	if !ok {
		return
	}
	var form newRunForm
	if err := readJSON(r, &form); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	f := runFlags{mode: form.Mode, dataset: form.Dataset, priority: form.Priority, output: form.Output}
	run, err := f.build(nil)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	d.create(w, r, s, run)
}

func (d *dashboard) rerunRun(w http.ResponseWriter, r *http.Request) {
	s, ok := d.sessionFor(w, r)
	if !ok {
		return
	}
	src, err := s.getRun(r.Context(), r.PathValue("name"))
	if err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	d.create(w, r, s, copyForRerun(src, ""))
}

// create creates run and waits, as `run` does, for the controller to say
// where it stands.
func (d *dashboard) create(w http.ResponseWriter, r *http.Request, s *session, run *v1alpha1.ForecastRun) {
	if err := s.createRun(r.Context(), run); err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	settled := d.g.awaitPhase(r.Context(), s, run)
	writeJSON(w, http.StatusCreated, created{Name: settled.Name, Outcome: outcomeOf(settled), Standing: describeStanding(settled)})
}

// outcomeOf names what became of a new run, for the page to say which of
// the API's promises applied.
func outcomeOf(run *v1alpha1.ForecastRun) string {
	switch {
	case run.Status.DuplicateOf != "":
		return "duplicate"
	case run.Status.Phase == v1alpha1.PhaseRunning:
		return "running"
	case run.Status.Phase == v1alpha1.PhaseQueued:
		return "queued"
	case run.Status.Phase == v1alpha1.PhaseRejected:
		return "rejected"
	case run.Status.Phase.Finished():
		return "finished"
	}
	return "pending"
}

func (d *dashboard) cancelRun(w http.ResponseWriter, r *http.Request) {
	s, ok := d.sessionFor(w, r)
	if !ok {
		return
	}
	said, err := s.requestCancel(r.Context(), r.PathValue("name"))
	if err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": said})
}

// report serves a Succeeded run's report.html, copied out of its output
// claim by the Pod that `results --copy` uses.
func (d *dashboard) report(w http.ResponseWriter, r *http.Request) {
	s, ok := d.sessionFor(w, r)
	if !ok {
		return
	}
	run, err := s.getRun(r.Context(), r.PathValue("name"))
	if err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	if err := copyable(run); err != nil {
		writeError(w, http.StatusConflict, err)
		return
	}
	page, err := d.reportOf(r, s, run)
	if err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	w.Header().Set("Content-Security-Policy", reportPolicy)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(page)
}

func (d *dashboard) reportOf(r *http.Request, s *session, run *v1alpha1.ForecastRun) ([]byte, error) {
	d.reportsMu.Lock()
	defer d.reportsMu.Unlock()
	if page, ok := d.reports[string(run.UID)]; ok {
		return page, nil
	}
	dir, err := os.MkdirTemp("", "forecast-dashboard-")
	if err != nil {
		return nil, fmt.Errorf("creating a folder for the report: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := d.g.copyResults(r.Context(), s, run, copyOptions{dir: dir, timeout: 2 * time.Minute}, io.Discard); err != nil {
		return nil, err
	}
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		return nil, fmt.Errorf("the result files of forecastrun/%s hold no report.html: %w", run.Name, err)
	}
	d.reports[string(run.UID)] = page
	return page, nil
}

// readJSON decodes a small JSON body, refusing other content types: a
// cross-site form cannot send application/json without CORS.
func readJSON(r *http.Request, v any) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return fmt.Errorf("the request body must be application/json, not %q", r.Header.Get("Content-Type"))
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("reading the request: %w", err)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError sends the error as the API server worded it, behind what the
// plugin was doing.
func writeError(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

// statusOf passes the API server's status code on (403 forbidden, 422
// invalid, 404 not found), 502 for other failures of the cluster or the
// copy.
func statusOf(err error) int {
	var missing *runNotFoundError
	if errors.As(err, &missing) {
		return http.StatusNotFound
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) && status.Status().Code != 0 {
		return int(status.Status().Code)
	}
	return http.StatusBadGateway
}
