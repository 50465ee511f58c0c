package objstore

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Credentials are an S3 access key.
type Credentials struct {
	AccessKeyID, SecretAccessKey string
}

// Config says which bucket to reach and how.
type Config struct {
	// Endpoint is the S3 API's base URL; https:// uses TLS, http:// not.
	Endpoint string
	// Region of the bucket; empty asks the server.
	Region      string
	Bucket      string
	Credentials Credentials
	// Transport carries every request; the runner passes its egress
	// policy's. Nil uses a clone of http.DefaultTransport.
	Transport http.RoundTripper
	// Resumes is how often a download that lost its connection is resumed
	// where it stopped (0: DefaultResumes). Requests that fail before any
	// byte arrives are retried by the client library, with backoff.
	Resumes int
}

// DefaultResumes is how often a dropped download is resumed.
const DefaultResumes = 5

// Bucket is one bucket on one endpoint.
type Bucket struct {
	client   *minio.Client
	endpoint string
	name     string
	resumes  int
}

// Open checks cfg and prepares a client; it sends no request.
func Open(cfg Config) (*Bucket, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" {
		return nil, fmt.Errorf("object store endpoint %q: want a base URL such as https://s3.example.com:9000", cfg.Endpoint)
	}
	if cfg.Bucket == "" {
		return nil, errors.New("object store: no bucket given")
	}
	if cfg.Credentials.AccessKeyID == "" || cfg.Credentials.SecretAccessKey == "" {
		return nil, fmt.Errorf("object store %s: %w", u.Host, ErrNoCredentials)
	}
	transport := cfg.Transport
	if transport == nil {
		transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	c, err := minio.New(u.Host, &minio.Options{
		Creds:     credentials.NewStaticV4(cfg.Credentials.AccessKeyID, cfg.Credentials.SecretAccessKey, ""),
		Secure:    u.Scheme == "https",
		Region:    cfg.Region,
		Transport: transport,
		// Path-style requests work on every S3-compatible server and need
		// no wildcard DNS or certificate for the bucket's host name.
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return nil, fmt.Errorf("object store endpoint %s: %w", cfg.Endpoint, err)
	}
	resumes := cfg.Resumes
	if resumes == 0 {
		resumes = DefaultResumes
	}
	return &Bucket{client: c, endpoint: u.Scheme + "://" + u.Host, name: cfg.Bucket, resumes: resumes}, nil
}

// Name names an object for messages and status: s3://bucket/key.
func (b *Bucket) Name(key string) string { return "s3://" + b.name + "/" + key }

// describe names an object with its endpoint, as errors do.
func (b *Bucket) describe(key string) string { return b.Name(key) + " on " + b.endpoint }
