// Package blob stores artifacts (submission files, package archives) by the
// SHA-256 of their content, as files under a directory.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

// ErrNotFound is returned for a hash the store does not hold.
var ErrNotFound = errors.New("blob not found")

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Store is a content-addressed file store.
type Store struct {
	dir string
}

// Open returns a store under dir, creating it if needed.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("open blob store %s: %w", dir, err)
	}
	return &Store{dir: dir}, nil
}

func (s *Store) path(hash string) string {
	return filepath.Join(s.dir, hash[:2], hash[2:])
}

// Put stores data and returns its hash. Writing goes through a temporary file
// and a rename, so a reader never sees half a blob.
func (s *Store) Put(ctx context.Context, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	p := s.path(hash)
	if _, err := os.Stat(p); err == nil {
		return hash, nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return "", fmt.Errorf("put blob: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return "", fmt.Errorf("put blob: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("put blob: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("put blob: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("put blob: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return "", fmt.Errorf("put blob: %w", err)
	}
	return hash, nil
}

// Get returns the blob with the given hash.
func (s *Store) Get(ctx context.Context, hash string) ([]byte, error) {
	if !hashRE.MatchString(hash) {
		return nil, fmt.Errorf("get blob %q: %w", hash, ErrNotFound)
	}
	b, err := os.ReadFile(s.path(hash))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("get blob %s: %w", hash, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get blob %s: %w", hash, err)
	}
	return b, nil
}
