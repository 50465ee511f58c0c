package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

func testServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/data.csv", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, goodCSV) })
	mux.HandleFunc("/bad.csv", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, badCSV) })
	mux.HandleFunc("/big.csv", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "item_id,date,quantity\n")
		for d := range 200 { // streamed, no Content-Length
			fmt.Fprintf(w, "a,%s,1\n", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format(time.DateOnly))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/declared.csv", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "5000")
		fmt.Fprint(w, strings.Repeat("x", 5000))
	})
	mux.HandleFunc("/slow.csv", func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/stall.csv", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "item_id,date,quantity\na,2025-01-01,1\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/data.csv", http.StatusMovedPermanently)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestURL(t *testing.T) {
	srv := testServer(t)
	// The test server is on loopback, which Egress refuses: use its client.
	opts := Options{Timeout: 300 * time.Millisecond, MaxBytes: 1024, HTTPClient: srv.Client()}
	load := func(path string) error {
		_, err := Load(context.Background(), v1alpha1.Dataset{URL: srv.URL + path}, opts)
		return err
	}
	ds, err := Load(context.Background(), v1alpha1.Dataset{URL: srv.URL + "/data.csv"}, opts)
	wantItems(t, ds, err, "a", "b")
	ds, err = Load(context.Background(), v1alpha1.Dataset{URL: srv.URL + "/moved"}, opts)
	wantItems(t, ds, err, "a", "b")
	wantParseError(t, load("/bad.csv"), srv.URL+"/bad.csv", 3, 3)

	tests := []struct {
		name, path string
		is         error
		want       []string
	}{
		{"not found", "/absent.csv", nil, []string{srv.URL + "/absent.csv", "HTTP 404 Not Found"}},
		{"streamed too large", "/big.csv", ErrTooLarge, []string{srv.URL + "/big.csv", "1024 bytes"}},
		{"declared too large", "/declared.csv", ErrTooLarge, []string{srv.URL + "/declared.csv", "5000 bytes"}},
		{"slow headers", "/slow.csv", context.DeadlineExceeded, []string{srv.URL + "/slow.csv", "timed out after 300ms"}},
		{"stalled body", "/stall.csv", context.DeadlineExceeded, []string{srv.URL + "/stall.csv", "timed out after 300ms"}},
		{"redirect to file:", "/to-file", nil, []string{srv.URL + "/to-file", "only http and https"}},
		{"secret query", "/absent.csv?token=s3cr3t", nil, []string{"/absent.csv?…", "404"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := load(tc.path)
			t.Log(err)
			wantError(t, err, tc.want...)
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			if err != nil && strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("error reveals the query: %v", err)
			}
		})
	}
}

func TestURLRejectsOtherSchemes(t *testing.T) {
	for _, u := range []string{"file:///etc/passwd", "ftp://host/data.csv", "http://"} {
		_, err := Load(context.Background(), v1alpha1.Dataset{URL: u}, Options{})
		wantError(t, err, "not an http or https URL")
	}
}

func TestURLHonoursContext(t *testing.T) {
	srv := testServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := Load(ctx, v1alpha1.Dataset{URL: srv.URL + "/slow.csv"}, Options{HTTPClient: srv.Client()})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Load after the context expired: %v", err)
	}
}
