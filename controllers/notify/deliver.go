package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/source/egress"
)

// targetURL reads a target's webhook URL from its Secret. A missing
// Secret or key is worth retrying: it may be created after the run.
func targetURL(ctx context.Context, secrets client.Reader, namespace string, ref v1alpha1.SecretKeyRef) (*url.URL, outcome) {
	var s corev1.Secret
	err := secrets.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, &s)
	switch {
	case apierrors.IsNotFound(err):
		return nil, outcome{err: fmt.Errorf("secret %s in namespace %s does not exist", ref.Name, namespace)}
	case err != nil:
		return nil, outcome{err: fmt.Errorf("reading secret %s: %w", ref.Name, err)}
	}
	raw, ok := s.Data[ref.Key]
	if !ok {
		return nil, outcome{err: fmt.Errorf("secret %s has no key %q", ref.Name, ref.Key)}
	}
	u, err := url.Parse(strings.TrimSpace(string(raw)))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The URL itself is never shown: it is the credential.
		return nil, outcome{err: fmt.Errorf("key %q of secret %s is not an http(s) URL", ref.Key, ref.Name), permanent: true}
	}
	return u, outcome{}
}

// post sends one message and classifies the result. Refused addresses and
// 4xx answers other than 408 and 429 are permanent: the same request
// would get the same answer. Errors name the host, never the whole URL,
// whose path is often the secret part.
func post(ctx context.Context, c *http.Client, u *url.URL, payload []byte, contentType string, timeout time.Duration) outcome {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		return outcome{err: fmt.Errorf("building the request to %s: %v", u.Host, redact(err, u)), permanent: true}
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "forecastrun-notifier")
	resp, err := c.Do(req)
	if err != nil {
		return outcome{err: fmt.Errorf("posting to %s: %v", u.Host, redact(err, u)), permanent: errors.Is(err, egress.ErrRefused)}
	}
	defer resp.Body.Close()
	detail, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	if resp.StatusCode/100 == 2 {
		return outcome{}
	}
	err = fmt.Errorf("%s answered %s: %s", u.Host, resp.Status, strings.TrimSpace(string(detail)))
	code := resp.StatusCode
	return outcome{err: err, permanent: code/100 == 4 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests}
}

// redact removes the URL from an error that quotes it.
func redact(err error, u *url.URL) string {
	return strings.ReplaceAll(err.Error(), u.String(), u.Scheme+"://"+u.Host+"/…")
}
