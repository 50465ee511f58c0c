package testutil

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Server is a real S3 gateway (versitygw on a posix folder) started for
// a test. Its root account's key is AccessKey and SecretKey.
type S3Server struct {
	// Endpoint is its base URL, http://host:port.
	Endpoint string
	// Host is the address it listens on, host:port.
	Host                 string
	AccessKey, SecretKey string
	client               *minio.Client
}

// S3Binary is the versitygw that hack/build-s3.sh builds: the path in
// FORECASTRUN_S3_SERVER when set, else the script's cache path. It fails
// the test, rather than skipping it, when the binary is missing.
func S3Binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("FORECASTRUN_S3_SERVER")
	if bin == "" {
		out, err := exec.Command(filepath.Join(RepoRoot(), "hack", "build-s3.sh"), "--print").Output()
		if err != nil {
			t.Fatalf("hack/build-s3.sh --print: %v", err)
		}
		bin = strings.TrimSpace(string(out))
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("the S3 server for the object-storage tests is missing (%v): build it with hack/build-s3.sh, or run `make test`, which does", err)
	}
	return bin
}

// StartS3 starts the S3 server on a free port of address (such as
// 127.0.0.1) over a temporary folder, and stops it when the test ends.
func StartS3(t testing.TB, address string) *S3Server {
	t.Helper()
	bin := S3Binary(t)
	host := freePort(t, address)
	s := &S3Server{Endpoint: "http://" + host, Host: host, AccessKey: "forecastrun-test", SecretKey: "forecastrun-test-secret-key"}
	var log bytes.Buffer
	cmd := exec.Command(bin, "--access", s.AccessKey, "--secret", s.SecretKey, "--port", host, "--quiet", "posix", t.TempDir())
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	if err := waitListening(host, 20*time.Second); err != nil {
		t.Fatalf("the S3 server did not listen on %s: %v\n%s", host, err, log.String())
	}
	c, err := minio.New(host, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""), BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	s.client = c
	return s
}

// MakeBucket creates a bucket.
func (s *S3Server) MakeBucket(t testing.TB, name string) {
	t.Helper()
	if err := s.client.MakeBucket(context.Background(), name, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("creating bucket %s: %v", name, err)
	}
}

// Put stores data as bucket/key.
func (s *S3Server) Put(t testing.TB, bucket, key string, data []byte) {
	t.Helper()
	_, err := s.client.PutObject(context.Background(), bucket, key, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{})
	if err != nil {
		t.Fatalf("putting s3://%s/%s: %v", bucket, key, err)
	}
}

// Get reads bucket/key.
func (s *S3Server) Get(t testing.TB, bucket, key string) []byte {
	t.Helper()
	obj, err := s.client.GetObject(context.Background(), bucket, key, minio.GetObjectOptions{})
	if err == nil {
		var buf bytes.Buffer
		if _, err = buf.ReadFrom(obj); err == nil {
			return buf.Bytes()
		}
	}
	t.Fatalf("getting s3://%s/%s: %v", bucket, key, err)
	return nil
}

// Keys lists the keys under prefix, recursively, in order.
func (s *S3Server) Keys(t testing.TB, bucket, prefix string) []string {
	t.Helper()
	var keys []string
	for obj := range s.client.ListObjects(context.Background(), bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			t.Fatalf("listing s3://%s/%s: %v", bucket, prefix, obj.Err)
		}
		keys = append(keys, obj.Key)
	}
	return keys
}

func freePort(t testing.TB, address string) string {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(address, "0"))
	if err != nil {
		t.Fatalf("finding a free port on %s: %v", address, err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitListening(host string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w after %v", err, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
