package source

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/series"
)

// ErrTooLarge reports a download larger than Options.MaxBytes.
var ErrTooLarge = errors.New("dataset exceeds the size limit")

// maxRedirects is as many as net/http follows by default.
const maxRedirects = 10

func loadURL(ctx context.Context, spec v1alpha1.Dataset, opts Options) (*series.Dataset, error) {
	u, err := url.Parse(spec.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("loading dataset: %q is not an http or https URL", redactRaw(spec.URL))
	}
	name := redact(u)
	limit := cmp.Or(opts.MaxBytes, DefaultMaxBytes)
	timeout := cmp.Or(opts.Timeout, DefaultTimeout)
	body, err := get(ctx, u, name, limit, opts)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	r := &capped{r: body, left: limit, limit: limit, ctx: ctx, timeout: timeout}
	ds, err := Decode(name, r, readOptions(spec, opts))
	return ds, withoutContent(err, spec)
}

// get starts the download and checks the response status and declared
// size; the body is then streamed into the CSV reader.
func get(ctx context.Context, u *url.URL, name string, limit int64, opts Options) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("downloading %s: %w", name, err)
	}
	req.Header.Set("Accept", "text/csv, application/vnd.apache.parquet;q=0.9, text/plain;q=0.8, */*;q=0.5")
	resp, err := httpClient(opts).Do(req)
	if err != nil {
		return nil, fmt.Errorf("downloading %s: %w", name, explainTimeout(ctx, unwrapURLError(err), opts))
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		// The status code's standard text, not the server's reason phrase,
		// which is the response's to choose.
		return nil, fmt.Errorf("downloading %s: HTTP %d %s", name, resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	if resp.ContentLength > limit {
		resp.Body.Close()
		return nil, fmtTooLarge(name, resp.ContentLength, limit)
	}
	return resp.Body, nil
}

// httpClient copies the base client, adding the timeout and a redirect
// policy that stays on http and https. Without a base client, every
// connection, the redirects' included, goes through opts.Egress.
func httpClient(opts Options) *http.Client {
	c := http.Client{Transport: opts.Egress.Transport()}
	if opts.HTTPClient != nil {
		c = *opts.HTTPClient
	}
	c.Timeout = cmp.Or(opts.Timeout, DefaultTimeout)
	c.CheckRedirect = checkRedirect
	return &c
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("redirected to a %s: URL; only http and https are allowed", req.URL.Scheme)
	}
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	return nil
}

// unwrapURLError drops net/http's *url.Error wrapper, whose message
// repeats the full URL, query included; the caller names it redacted.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redact names u for messages: no password, no fragment, and query values
// replaced by "…" since signed URLs carry their credentials there.
func redact(u *url.URL) string {
	r := *u
	r.Fragment, r.RawFragment = "", ""
	if r.RawQuery != "" {
		r.RawQuery = "…"
	}
	return r.Redacted()
}

func redactRaw(s string) string {
	if u, err := url.Parse(s); err == nil {
		return redact(u)
	}
	return "(unparseable URL)"
}

// explainTimeout names the client timeout when it, rather than the
// caller's context, ended the download.
func explainTimeout(ctx context.Context, err error, opts Options) error {
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return fmt.Errorf("timed out after %v: %w", cmp.Or(opts.Timeout, DefaultTimeout), err)
	}
	return err
}

// capped passes at most limit bytes through and then fails with
// ErrTooLarge, rather than truncating, so an oversized file is never read
// as a shorter valid one. It also names the timeout when it ends a read.
type capped struct {
	r           io.Reader
	left, limit int64
	ctx         context.Context
	timeout     time.Duration
}

func (c *capped) Read(p []byte) (int, error) {
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return 0, fmt.Errorf("%w of %s", ErrTooLarge, formatBytes(c.limit))
	}
	if err != nil && err != io.EOF {
		err = explainTimeout(c.ctx, err, Options{Timeout: c.timeout})
	}
	return n, err
}

func fmtTooLarge(name string, size, limit int64) error {
	return fmt.Errorf("downloading %s: %w: %d bytes, limit %s", name, ErrTooLarge, size, formatBytes(limit))
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
