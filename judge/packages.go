package judge

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/skillarena/arena/challenges"
)

// Packages fetches challenge packages from the blob store, unpacks each once
// under a directory, and keeps the loaded packages in memory.
type Packages struct {
	blobs Blobs
	dir   string

	mu     sync.Mutex
	loaded map[string]*challenges.Package
}

// NewPackages returns a cache that unpacks under dir.
func NewPackages(blobs Blobs, dir string) *Packages {
	return &Packages{blobs: blobs, dir: dir, loaded: map[string]*challenges.Package{}}
}

// Get returns the package whose archive has the given blob hash.
func (p *Packages) Get(ctx context.Context, hash string) (*challenges.Package, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pkg, ok := p.loaded[hash]; ok {
		return pkg, nil
	}
	dir := filepath.Join(p.dir, hash)
	if _, err := os.Stat(dir); err != nil {
		data, err := p.blobs.Get(ctx, hash)
		if err != nil {
			return nil, fmt.Errorf("fetch package %s: %w", hash, err)
		}
		if err := os.MkdirAll(p.dir, 0o750); err != nil {
			return nil, fmt.Errorf("package cache: %w", err)
		}
		tmp, err := os.MkdirTemp(p.dir, ".unpack-*")
		if err != nil {
			return nil, fmt.Errorf("package cache: %w", err)
		}
		if err := challenges.Unpack(data, tmp); err != nil {
			os.RemoveAll(tmp)
			return nil, fmt.Errorf("package %s: %w", hash, err)
		}
		if err := os.Rename(tmp, dir); err != nil && !os.IsExist(err) {
			os.RemoveAll(tmp)
			if _, serr := os.Stat(dir); serr != nil {
				return nil, fmt.Errorf("package cache: %w", err)
			}
		}
	}
	pkg, err := challenges.Load(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("load package %s: %w", hash, err)
	}
	p.loaded[hash] = pkg
	return pkg, nil
}
