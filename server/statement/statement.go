// Package statement reads what contestants may see of a challenge package —
// its statements and its attachments — straight from the package archive in
// the blob store. Nothing under hidden/ or solutions/ is ever read.
//
// Archives are content-addressed and never change, so what was read from one
// is kept in memory by hash: the statements and the list of attachments.
// Attachment bytes are read from the archive on each download.
package statement

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/server/blob"
	"gopkg.in/yaml.v3"
)

// ErrNotFound is returned for a package or attachment that does not exist.
var ErrNotFound = errors.New("not found")

// maxStatement bounds one statement file kept in memory.
const maxStatement = 1 << 20

// maxCached bounds how many packages are kept; past it the cache starts over.
const maxCached = 512

// Attachment is one file under attachments/.
type Attachment struct {
	// Name is the path below attachments/, e.g. "train.csv" or "data/a.txt".
	Name string
	Size int64
}

// Package is the public part of one challenge package.
type Package struct {
	// Statements maps a language ("zh", "en") to Markdown.
	Statements  map[string]string
	Attachments []Attachment
	// Limits are the run limits challenge.yaml gives, zero where it gives none.
	Limits challenges.Limits
}

// In returns the statement in lang, falling back to the other language.
func (p *Package) In(lang string) (text, shown string) {
	if s, ok := p.Statements[lang]; ok {
		return s, lang
	}
	for _, l := range []string{"zh", "en"} {
		if s, ok := p.Statements[l]; ok {
			return s, l
		}
	}
	return "", ""
}

// Cache reads packages from a blob store and keeps their public parts.
type Cache struct {
	blobs *blob.Store

	mu   sync.Mutex
	pkgs map[string]*Package
}

// NewCache returns a cache reading from blobs.
func NewCache(blobs *blob.Store) *Cache {
	return &Cache{blobs: blobs, pkgs: map[string]*Package{}}
}

// statementFiles maps the statement file names of a package to languages.
var statementFiles = map[string]string{"statement.md": "zh", "statement.zh.md": "zh", "statement.en.md": "en"}

// Get returns the public part of the package archive with the given hash.
func (c *Cache) Get(ctx context.Context, hash string) (*Package, error) {
	c.mu.Lock()
	p, ok := c.pkgs[hash]
	c.mu.Unlock()
	if ok {
		return p, nil
	}
	data, err := c.archive(ctx, hash)
	if err != nil {
		return nil, err
	}
	p = &Package{Statements: map[string]string{}}
	err = walk(data, func(h *tar.Header, r io.Reader) error {
		name := path.Clean(h.Name)
		if name == "challenge.yaml" {
			var spec struct {
				Limits challenges.Limits `yaml:"limits"`
			}
			b, err := io.ReadAll(io.LimitReader(r, maxStatement))
			if err != nil {
				return err
			}
			if yaml.Unmarshal(b, &spec) == nil {
				p.Limits = spec.Limits
			}
			return nil
		}
		if lang, ok := statementFiles[name]; ok {
			b, err := io.ReadAll(io.LimitReader(r, maxStatement))
			if err != nil {
				return err
			}
			// statement.zh.md wins over statement.md.
			if _, have := p.Statements[lang]; !have || name != "statement.md" {
				p.Statements[lang] = string(b)
			}
			return nil
		}
		if rest, ok := attachmentName(name); ok {
			p.Attachments = append(p.Attachments, Attachment{Name: rest, Size: h.Size})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read package %s: %w", hash, err)
	}
	sort.Slice(p.Attachments, func(i, j int) bool { return p.Attachments[i].Name < p.Attachments[j].Name })
	c.mu.Lock()
	if len(c.pkgs) >= maxCached {
		c.pkgs = map[string]*Package{}
	}
	c.pkgs[hash] = p
	c.mu.Unlock()
	return p, nil
}

// Attachment returns the bytes of attachments/name in the package with the
// given hash. Only files the package lists under attachments/ are served.
func (c *Cache) Attachment(ctx context.Context, hash, name string) ([]byte, error) {
	p, err := c.Get(ctx, hash)
	if err != nil {
		return nil, err
	}
	known := false
	for _, a := range p.Attachments {
		if a.Name == name {
			known = true
			break
		}
	}
	if !known {
		return nil, ErrNotFound
	}
	data, err := c.archive(ctx, hash)
	if err != nil {
		return nil, err
	}
	var out []byte
	found := errors.New("found")
	err = walk(data, func(h *tar.Header, r io.Reader) error {
		if rest, ok := attachmentName(path.Clean(h.Name)); ok && rest == name {
			b, err := io.ReadAll(r)
			if err != nil {
				return err
			}
			out = b
			return found
		}
		return nil
	})
	if errors.Is(err, found) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read attachment %s of package %s: %w", name, hash, err)
	}
	return nil, ErrNotFound
}

// AttachmentFiles returns the bytes of the attachments of the package with
// the given hash that want takes, by name below attachments/, reading the
// archive once.
func (c *Cache) AttachmentFiles(ctx context.Context, hash string, want func(name string, size int64) bool) (map[string][]byte, error) {
	data, err := c.archive(ctx, hash)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	err = walk(data, func(h *tar.Header, r io.Reader) error {
		rest, ok := attachmentName(path.Clean(h.Name))
		if !ok || !want(rest, h.Size) {
			return nil
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		out[rest] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read attachments of package %s: %w", hash, err)
	}
	return out, nil
}

func (c *Cache) archive(ctx context.Context, hash string) ([]byte, error) {
	data, err := c.blobs.Get(ctx, hash)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("fetch package %s: %w", hash, err)
	}
	return data, nil
}

// attachmentName returns the path below attachments/ of a cleaned archive
// path, if it names a file there.
func attachmentName(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, "attachments/")
	if !ok || rest == "" || strings.HasPrefix(rest, "../") || strings.Contains(rest, "/../") {
		return "", false
	}
	return rest, true
}

// walk calls fn for every regular file of a tar.gz archive.
func walk(data []byte, fn func(*tar.Header, io.Reader) error) error {
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if err := fn(h, tr); err != nil {
			return err
		}
	}
}
