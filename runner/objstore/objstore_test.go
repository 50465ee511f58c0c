package objstore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/internal/testutil"
	"github.com/forecastrun/forecastrun/runner/objstore"
)

// open connects to the test server, through endpoint when given (a
// proxy), with the server's key unless creds says otherwise.
func open(t *testing.T, s *testutil.S3Server, endpoint, bucket string, creds *objstore.Credentials) *objstore.Bucket {
	t.Helper()
	c := objstore.Credentials{AccessKeyID: s.AccessKey, SecretAccessKey: s.SecretKey}
	if creds != nil {
		c = *creds
	}
	if endpoint == "" {
		endpoint = s.Endpoint
	}
	b, err := objstore.Open(objstore.Config{Endpoint: endpoint, Region: "us-east-1", Bucket: bucket, Credentials: c, Resumes: 3})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// payload is n bytes of seeded random data.
func payload(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	return b
}

func readAll(t *testing.T, b *objstore.Bucket, key string) ([]byte, error) {
	t.Helper()
	r, _, err := b.Reader(context.Background(), key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func wantMessage(t *testing.T, err error, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not say %q", err, p)
		}
	}
}

func TestReaderStreamsTheWholeObject(t *testing.T) {
	s := testutil.StartS3(t, "127.0.0.1")
	s.MakeBucket(t, "data")
	want := payload(3 << 20)
	s.Put(t, "data", "sales/2026.csv", want)
	got, err := readAll(t, open(t, s, "", "data", nil), "sales/2026.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("read %d bytes that differ from the %d stored", len(got), len(want))
	}
}

func TestWrongCredentialsAreRefusedPermanently(t *testing.T) {
	s := testutil.StartS3(t, "127.0.0.1")
	s.MakeBucket(t, "data")
	s.Put(t, "data", "a.csv", []byte("item_id,date,quantity\n"))
	cases := []struct {
		name  string
		creds objstore.Credentials
		says  string
	}{
		{"unknown access key", objstore.Credentials{AccessKeyID: "nobody", SecretAccessKey: s.SecretKey}, "does not know the access key ID"},
		{"wrong secret key", objstore.Credentials{AccessKeyID: s.AccessKey, SecretAccessKey: "wrong-secret-key"}, "secret access key in the credentials Secret is wrong"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readAll(t, open(t, s, "", "data", &tc.creds), "a.csv")
			if !errors.Is(err, objstore.ErrDenied) || !objstore.IsPermanent(err) {
				t.Fatalf("err = %v, want a permanent ErrDenied", err)
			}
			wantMessage(t, err, tc.says, "s3://data/a.csv", s.Endpoint)
		})
	}
}

func TestMissingBucketAndObjectAreNamed(t *testing.T) {
	s := testutil.StartS3(t, "127.0.0.1")
	s.MakeBucket(t, "data")
	_, err := readAll(t, open(t, s, "", "no-such-bucket", nil), "a.csv")
	if !errors.Is(err, objstore.ErrNoBucket) || !objstore.IsPermanent(err) {
		t.Fatalf("missing bucket: err = %v, want a permanent ErrNoBucket", err)
	}
	wantMessage(t, err, "s3://no-such-bucket/a.csv", s.Endpoint, "bucket does not exist")
	_, err = readAll(t, open(t, s, "", "data", nil), "absent.csv")
	if !errors.Is(err, objstore.ErrNoObject) {
		t.Fatalf("missing object: err = %v, want ErrNoObject", err)
	}
	wantMessage(t, err, "s3://data/absent.csv", "object does not exist")
}

func TestNoCredentialsFailBeforeAnyRequest(t *testing.T) {
	_, err := objstore.Open(objstore.Config{Endpoint: "https://s3.example.com", Bucket: "data", Credentials: objstore.Credentials{AccessKeyID: "id"}})
	if !errors.Is(err, objstore.ErrNoCredentials) {
		t.Fatalf("err = %v, want ErrNoCredentials", err)
	}
}

// TestDroppedConnectionIsResumedWhereItStopped: a connection that drops
// part-way is resumed from the byte where it stopped, and the reader gets
// the object exactly once, whole.
func TestDroppedConnectionIsResumedWhereItStopped(t *testing.T) {
	s := testutil.StartS3(t, "127.0.0.1")
	s.MakeBucket(t, "data")
	want := payload(2 << 20)
	s.Put(t, "data", "big.csv", want)
	proxy := testutil.StartCuttingProxy(t, s.Host, 256<<10, 2)
	got, err := readAll(t, open(t, s, "http://"+proxy.Addr, "data", nil), "big.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("read %d bytes that differ from the %d stored", len(got), len(want))
	}
	if n := proxy.Cut.Load(); n != 2 {
		t.Errorf("the proxy cut %d connections, want 2: the test did not drop the download", n)
	}
}

// TestConnectionThatKeepsDroppingFailsWithoutAShortRead: when resuming
// does not help, the read fails naming the object and endpoint; it never
// ends as if the object were shorter.
func TestConnectionThatKeepsDroppingFailsWithoutAShortRead(t *testing.T) {
	s := testutil.StartS3(t, "127.0.0.1")
	s.MakeBucket(t, "data")
	s.Put(t, "data", "big.csv", payload(1<<20))
	proxy := testutil.StartCuttingProxy(t, s.Host, 128<<10, -1)
	endpoint := "http://" + proxy.Addr
	got, err := readAll(t, open(t, s, endpoint, "data", nil), "big.csv")
	if err == nil {
		t.Fatalf("read %d bytes and no error from a connection that always drops", len(got))
	}
	if !errors.Is(err, objstore.ErrDropped) || objstore.IsPermanent(err) {
		t.Errorf("err = %v, want ErrDropped, which a later attempt may not have", err)
	}
	wantMessage(t, err, "s3://data/big.csv", endpoint, "connection dropped", "3 attempts to resume failed")
}

// TestGetFileLeavesNothingHalfWritten: a download that fails leaves
// neither the file nor a temporary one behind.
func TestGetFileLeavesNothingHalfWritten(t *testing.T) {
	s := testutil.StartS3(t, "127.0.0.1")
	s.MakeBucket(t, "data")
	s.Put(t, "data", "big.csv", payload(1<<20))
	proxy := testutil.StartCuttingProxy(t, s.Host, 128<<10, -1)
	dir := t.TempDir()
	found, err := open(t, s, "http://"+proxy.Addr, "data", nil).GetFile(context.Background(), "big.csv", filepath.Join(dir, "big.csv"))
	if err == nil || found {
		t.Fatalf("GetFile = %v, %v; want an error", found, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed download left %v behind", entries)
	}
	found, err = open(t, s, "", "data", nil).GetFile(context.Background(), "absent.csv", filepath.Join(dir, "absent.csv"))
	if err != nil || found {
		t.Errorf("GetFile of a missing object = %v, %v; want false and no error", found, err)
	}
}

func TestPutFileUploadsTheWholeFile(t *testing.T) {
	s := testutil.StartS3(t, "127.0.0.1")
	s.MakeBucket(t, "results")
	want := payload(1 << 20)
	path := filepath.Join(t.TempDir(), "forecasts.csv")
	if err := os.WriteFile(path, want, 0o644); err != nil {
		t.Fatal(err)
	}
	b := open(t, s, "", "results", nil)
	if err := b.PutFile(context.Background(), "runs/r1/forecasts.csv", path); err != nil {
		t.Fatal(err)
	}
	if got := s.Get(t, "results", "runs/r1/forecasts.csv"); !bytes.Equal(got, want) {
		t.Errorf("stored %d bytes that differ from the %d uploaded", len(got), len(want))
	}
	err := open(t, s, "", "no-such-bucket", nil).PutFile(context.Background(), "x.csv", path)
	if !errors.Is(err, objstore.ErrNoBucket) {
		t.Errorf("upload to a missing bucket: %v, want ErrNoBucket", err)
	}
	wantMessage(t, err, "uploading forecasts.csv to s3://no-such-bucket/x.csv")
}
