// Package blob stores artifacts (submission files, package archives) by the
// SHA-256 of their content, in a directory or an S3-compatible bucket, so
// that any number of servers and judges on several hosts share them.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrNotFound is returned for a hash the store does not hold.
var ErrNotFound = errors.New("blob not found")

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// backend keeps blobs under their hash; get answers ErrNotFound for one it
// does not hold.
type backend interface {
	has(ctx context.Context, hash string) (bool, error)
	put(ctx context.Context, hash string, data []byte) error
	get(ctx context.Context, hash string) ([]byte, error)
	String() string
}

// Store is a content-addressed artifact store.
type Store struct {
	b backend
}

// OpenURL opens the store named by where: "s3://BUCKET?endpoint=HOST:PORT"
// (see OpenS3) or a directory.
func OpenURL(ctx context.Context, where string) (*Store, error) {
	if strings.HasPrefix(where, "s3://") {
		return OpenS3(ctx, where)
	}
	if strings.Contains(where, "://") {
		return nil, fmt.Errorf("open blob store %q: not a directory or an s3:// address", where)
	}
	return Open(where)
}

// String names where the blobs are, for logs (never with credentials).
func (s *Store) String() string { return s.b.String() }

// Put stores data and returns its hash. A reader never sees half a blob.
func (s *Store) Put(ctx context.Context, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	ok, err := s.b.has(ctx, hash)
	if err != nil {
		return "", fmt.Errorf("put blob %s: %w", hash, err)
	}
	if ok {
		return hash, nil
	}
	if err := s.b.put(ctx, hash, data); err != nil {
		return "", fmt.Errorf("put blob %s: %w", hash, err)
	}
	return hash, nil
}

// Get returns the blob with the given hash, checked against it: a blob
// damaged in storage is an error, never wrong content.
func (s *Store) Get(ctx context.Context, hash string) ([]byte, error) {
	if !hashRE.MatchString(hash) {
		return nil, fmt.Errorf("get blob %q: %w", hash, ErrNotFound)
	}
	b, err := s.b.get(ctx, hash)
	if err != nil {
		return nil, fmt.Errorf("get blob %s: %w", hash, err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != hash {
		return nil, fmt.Errorf("get blob %s from %s: the content does not match its hash", hash, s.b)
	}
	return b, nil
}
