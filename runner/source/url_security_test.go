package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/source/egress"
)

// secret is what an internal service answers; no error may repeat it.
const secret = "AKIASECRETKEY"

// TestURLRefusesInternalAddresses: a dataset URL on loopback (where the
// node's or the Pod's own services listen) is refused before a request is
// sent, with a message that says why, and the failure is marked for no
// retry by the caller (errors.Is ErrRefused).
func TestURLRefusesInternalAddresses(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits++
		fmt.Fprintf(w, "%s,b,c\n1,2,3\n", secret)
	}))
	defer srv.Close()
	for _, u := range []string{srv.URL + "/creds", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/creds", "http://169.254.169.254/latest/meta-data/"} {
		_, err := Load(context.Background(), v1alpha1.Dataset{URL: u}, Options{})
		if !errors.Is(err, egress.ErrRefused) {
			t.Errorf("Load(%s) = %v, want a refusal", u, err)
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("Load(%s) echoes the response: %v", u, err)
		}
	}
	if hits != 0 {
		t.Errorf("the loopback server answered %d requests", hits)
	}
}

// TestURLErrorsEchoNoContent: whatever a URL answers, no error repeats it:
// not its header line, not a cell, not its status line's reason phrase.
// A ConfigMap's or a claim's content may be quoted, since whoever created
// the run may read it; a URL's may come from a service only the cluster
// reaches.
func TestURLErrorsEchoNoContent(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/header", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintf(w, "%s,x,y\n1,2,3\n", secret) })
	mux.HandleFunc("/cell", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "item_id,date,quantity\na,2025-01-01,%s\n", secret)
	})
	mux.HandleFunc("/time", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "item_id,date,quantity\na,%s,1\n", secret)
	})
	mux.HandleFunc("/fields", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "item_id,date,quantity\na,2025-01-01,1,%s\n", secret)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	raw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, _ := w.(http.Hijacker).Hijack()
		fmt.Fprintf(buf, "HTTP/1.1 403 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", secret)
		buf.Flush()
		conn.Close()
	}))
	defer raw.Close()
	opts := Options{HTTPClient: srv.Client()}
	tests := []struct {
		url  string
		want []string
	}{
		{srv.URL + "/header", []string{srv.URL + "/header:1", `"item_id"`, "not shown"}},
		{srv.URL + "/cell", []string{srv.URL + "/cell:2:3", `column "quantity"`, "not a number"}},
		{srv.URL + "/time", []string{srv.URL + "/time:2:2", `column "date"`}},
		{srv.URL + "/fields", []string{srv.URL + "/fields:2"}},
		{raw.URL + "/x", []string{"HTTP 403 Forbidden"}},
	}
	for _, tc := range tests {
		_, err := Load(context.Background(), v1alpha1.Dataset{URL: tc.url}, opts)
		wantError(t, err, tc.want...)
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("Load(%s) echoes the response: %v", tc.url, err)
		}
	}
}
