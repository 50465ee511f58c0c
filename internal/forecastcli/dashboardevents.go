package forecastcli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// How the event stream paces itself: changes that arrive together are sent
// as one state; ages and estimated starts move on the refresh even when
// nothing changes; a watch that fails is opened again after retryWatch.
const (
	coalesce   = 50 * time.Millisecond
	refresh    = 5 * time.Second
	retryWatch = 2 * time.Second
)

// events streams the namespace's state as server-sent events: once at
// once, then after every change a watch of runs, Leases or schedules
// reports, so a status written by the controller is on the page well
// within a second.
func (d *dashboard) events(w http.ResponseWriter, r *http.Request) {
	s, ok := d.sessionFor(w, r)
	if !ok {
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming is not supported here", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	ctx := r.Context()
	changes := make(chan struct{}, 1)
	for _, list := range []client.ObjectList{&v1alpha1.ForecastRunList{}, &coordinationv1.LeaseList{}, &v1alpha1.ForecastScheduleList{}} {
		go d.watchChanges(ctx, s.namespace, list, changes)
	}
	tick := time.NewTicker(refresh)
	defer tick.Stop()
	for {
		if err := sendState(w, s.readState(ctx, d.g.now())); err != nil {
			return
		}
		flusher.Flush()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-changes:
			if sleep(ctx, coalesce) != nil {
				return
			}
		}
	}
}

func sendState(w http.ResponseWriter, st *dashboardState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encoding the state: %w", err)
	}
	_, err = fmt.Fprintf(w, "event: state\ndata: %s\n\n", b)
	return err
}

// watchChanges signals every change of the listed kind in ns until ctx
// ends. A watch the user may not open (RBAC) is retried, the refresh
// keeping the page current meanwhile; readState reports the refusal.
func (d *dashboard) watchChanges(ctx context.Context, ns string, list client.ObjectList, changes chan<- struct{}) {
	for ctx.Err() == nil {
		wi, err := d.watcher.Watch(ctx, list.DeepCopyObject().(client.ObjectList), client.InNamespace(ns))
		if err == nil {
			for range wi.ResultChan() {
				select {
				case changes <- struct{}{}:
				default: // a change is already pending
				}
			}
			wi.Stop()
		}
		if sleep(ctx, retryWatch) != nil {
			return
		}
	}
}
