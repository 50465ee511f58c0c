package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/minio/minio-go/v7"
)

// PutFile uploads the file at path as the object key. An S3 object
// appears whole or not at all; larger files go up in parts, which the
// server joins only once every part has arrived.
func (b *Bucket) PutFile(ctx context.Context, key, path string) error {
	_, err := b.client.FPutObject(ctx, b.name, key, path, minio.PutObjectOptions{ContentType: contentType(path)})
	if err != nil {
		return b.explain("uploading "+filepath.Base(path)+" to", key, err)
	}
	return nil
}

// GetFile downloads the object key to path through a temporary file in
// the same folder, so path is either the whole object or untouched. It
// reports false, and leaves path alone, when there is no such object.
func (b *Bucket) GetFile(ctx context.Context, key, path string) (bool, error) {
	r, _, err := b.Reader(ctx, key)
	if errors.Is(err, ErrNoObject) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer r.Close()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, fmt.Errorf("downloading %s: %w", b.describe(key), err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".download-*")
	if err != nil {
		return false, fmt.Errorf("downloading %s: %w", b.describe(key), err)
	}
	_, err = io.Copy(tmp, r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return false, fmt.Errorf("downloading %s to %s: %w", b.describe(key), path, err)
	}
	return true, nil
}

// Remove deletes the object key; a missing object is not an error.
func (b *Bucket) Remove(ctx context.Context, key string) error {
	if err := b.client.RemoveObject(ctx, b.name, key, minio.RemoveObjectOptions{}); err != nil {
		return b.explain("removing", key, err)
	}
	return nil
}

func contentType(path string) string {
	switch filepath.Ext(path) {
	case ".csv":
		return "text/csv"
	case ".json":
		return "application/json"
	case ".html":
		return "text/html; charset=utf-8"
	case ".jsonl":
		return "application/x-ndjson"
	}
	return "application/octet-stream"
}
