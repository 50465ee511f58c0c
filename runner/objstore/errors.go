package objstore

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/minio/minio-go/v7"
)

// Errors a retry cannot fix; IsPermanent reports them.
var (
	ErrNoCredentials = errors.New("no access key: the credentials Secret's access key ID or secret access key is empty")
	ErrDenied        = errors.New("access denied")
	ErrNoBucket      = errors.New("bucket does not exist")
	ErrNoObject      = errors.New("object does not exist")
	ErrChanged       = errors.New("object changed during the download")
)

// ErrDropped marks a download whose connection dropped more often than it
// could be resumed: a failure a later attempt may well not have.
var ErrDropped = errors.New("connection dropped")

// IsPermanent reports whether err is a failure that retrying the same
// request cannot fix: missing or refused credentials, a missing bucket or
// object.
func IsPermanent(err error) bool {
	for _, e := range []error{ErrNoCredentials, ErrDenied, ErrNoBucket, ErrNoObject, ErrChanged} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// explain turns the client's error into one that says what happened to
// which object, wrapping a sentinel where the S3 error code is one.
func (b *Bucket) explain(action, key string, err error) error {
	var resp minio.ErrorResponse
	if !errors.As(err, &resp) || resp.Code == "" && resp.StatusCode == 0 {
		return fmt.Errorf("%s %s: %w", action, b.describe(key), err)
	}
	if sentinel, why := classify(resp); sentinel != nil {
		return fmt.Errorf("%s %s: %w: %s (S3 %s)", action, b.describe(key), sentinel, why, resp.Code)
	}
	return fmt.Errorf("%s %s: S3 error %s (HTTP %d %s): %s", action, b.describe(key), resp.Code,
		resp.StatusCode, http.StatusText(resp.StatusCode), resp.Message)
}

// classify maps S3 error codes to the package's sentinels, with a hint at
// the fix.
func classify(resp minio.ErrorResponse) (error, string) {
	switch resp.Code {
	case "InvalidAccessKeyId", "XAdminUserNotFound": // the second is versitygw's
		return ErrDenied, "the server does not know the access key ID in the credentials Secret"
	case "SignatureDoesNotMatch":
		return ErrDenied, "the secret access key in the credentials Secret is wrong"
	case "AccessDenied", "AllAccessDisabled", "AccountProblem":
		return ErrDenied, "the access key may not do this"
	case "NoSuchBucket":
		return ErrNoBucket, "check the bucket name and the endpoint"
	case "NoSuchKey":
		return ErrNoObject, "check the key"
	case "PreconditionFailed":
		return ErrChanged, "it was replaced while being read; start the run again"
	}
	if resp.StatusCode == http.StatusNotFound && resp.Code == "" {
		return ErrNoObject, "check the key"
	}
	return nil, ""
}
