package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/minio/minio-go/v7"
)

// Reader streams the object at key. Its first request is made here, so a
// missing bucket or object, or refused credentials, fail at once. When the
// connection drops part-way, Read resumes from the byte where it stopped
// (up to the configured number of times, asking for the same ETag, so a
// replaced object is never spliced onto the old one's beginning); a
// download that cannot be completed fails rather than ending early, so a
// truncated object is never read as a shorter whole one.
func (b *Bucket) Reader(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	body, info, err := b.get(ctx, key, 0, "")
	if err != nil {
		return nil, 0, b.explain("downloading", key, err)
	}
	return &resumingReader{ctx: ctx, b: b, key: key, etag: info.ETag, size: info.Size, body: body}, info.Size, nil
}

// get requests the object from byte off on, of the given ETag when one is
// given. The client retries failed requests with backoff.
func (b *Bucket) get(ctx context.Context, key string, off int64, etag string) (io.ReadCloser, minio.ObjectInfo, error) {
	var opts minio.GetObjectOptions
	if off > 0 {
		if err := opts.SetRange(off, 0); err != nil {
			return nil, minio.ObjectInfo{}, err
		}
	}
	if etag != "" {
		if err := opts.SetMatchETag(etag); err != nil {
			return nil, minio.ObjectInfo{}, err
		}
	}
	body, info, _, err := minio.Core{Client: b.client}.GetObject(ctx, b.name, key, opts)
	return body, info, err
}

type resumingReader struct {
	ctx     context.Context
	b       *Bucket
	key     string
	etag    string
	size    int64
	off     int64
	body    io.ReadCloser
	resumed int
}

func (r *resumingReader) Read(p []byte) (int, error) {
	for {
		if r.body == nil {
			if err := r.resume(); err != nil {
				return 0, err
			}
		}
		n, err := r.body.Read(p)
		r.off += int64(n)
		switch {
		case err == nil || (err == io.EOF && r.off == r.size):
			return n, err
		case err == io.EOF && r.off > r.size:
			return n, fmt.Errorf("downloading %s: got %d bytes, more than its %d", r.b.describe(r.key), r.off, r.size)
		}
		// The connection ended before the object did.
		r.body.Close()
		r.body = nil
		if r.ctx.Err() != nil {
			return n, fmt.Errorf("downloading %s: %w", r.b.describe(r.key), r.ctx.Err())
		}
		if r.resumed >= r.b.resumes {
			return n, r.lost(err)
		}
		r.resumed++
		if n > 0 {
			return n, nil
		}
	}
}

// resume asks for the rest of the object after a short pause that grows
// with every attempt.
func (r *resumingReader) resume() error {
	select {
	case <-r.ctx.Done():
		return fmt.Errorf("downloading %s: %w", r.b.describe(r.key), r.ctx.Err())
	case <-time.After(time.Duration(r.resumed) * 200 * time.Millisecond):
	}
	body, _, err := r.b.get(r.ctx, r.key, r.off, r.etag)
	if err != nil {
		return fmt.Errorf("resuming at byte %d of %d: %w", r.off, r.size, r.b.explain("downloading", r.key, err))
	}
	r.body = body
	return nil
}

func (r *resumingReader) lost(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("downloading %s: %w at byte %d of %d, and %d attempts to resume failed: %w",
		r.b.describe(r.key), ErrDropped, r.off, r.size, r.resumed, err)
}

func (r *resumingReader) Close() error {
	if r.body == nil {
		return nil
	}
	return r.body.Close()
}
