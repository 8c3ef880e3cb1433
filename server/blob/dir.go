package blob

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// dir keeps each blob as a file under a directory, two hex digits deep.
type dir string

// Open returns a store under the directory d, creating it if needed.
func Open(d string) (*Store, error) {
	if err := os.MkdirAll(d, 0o750); err != nil {
		return nil, fmt.Errorf("open blob store %s: %w", d, err)
	}
	return &Store{b: dir(d)}, nil
}

func (d dir) String() string { return string(d) }

func (d dir) path(hash string) string {
	return filepath.Join(string(d), hash[:2], hash[2:])
}

func (d dir) has(_ context.Context, hash string) (bool, error) {
	_, err := os.Stat(d.path(hash))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// put writes through a synced temporary file and a rename.
func (d dir) put(_ context.Context, hash string, data []byte) error {
	p := d.path(hash)
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}

func (d dir) get(_ context.Context, hash string) ([]byte, error) {
	b, err := os.ReadFile(d.path(hash))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return b, err
}
