package images

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	recipes "github.com/skillarena/arena/deploy/images"
)

// LabelExtras holds the hash of the files an image carries beyond its
// Debian packages and the runner: binaries, recipe files, npm files.
const LabelExtras = "skillarena.extras.sha256"

// maxNPMFile bounds one file taken from an npm tarball.
const maxNPMFile = 256 << 20

// extra is one file added to an image on top of its base.
type extra struct {
	dest string // absolute path in the image
	mode int64
	data []byte
}

// extras gathers the files the recipe adds beyond the runner, and a hash
// of them all ("" when there are none, so plain images keep their labels).
func extras(ctx context.Context, opts Options, r Recipe, log *slog.Logger) ([]extra, string, error) {
	var out []extra
	for _, name := range r.Binaries {
		p := opts.Binaries[name]
		if p == "" {
			p = filepath.Join(filepath.Dir(opts.RunnerPath), name)
		}
		if err := CheckStatic(p); err != nil {
			return nil, "", fmt.Errorf("binary %s (deploy/build.sh builds it static into bin/): %w", name, err)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, "", fmt.Errorf("binary %s: %w", name, err)
		}
		out = append(out, extra{dest: "/usr/local/bin/" + name, mode: 0o755, data: data})
	}
	names := make([]string, 0, len(r.Files))
	for name := range r.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		data, err := fs.ReadFile(recipes.FS(), path.Join(r.Dir, name))
		if err != nil {
			return nil, "", fmt.Errorf("recipe file %s/%s (is it embedded in deploy/images?): %w", r.Dir, name, err)
		}
		out = append(out, extra{dest: r.Files[name], mode: 0o644, data: data})
	}
	for _, n := range r.NPM {
		files, err := npmFiles(ctx, opts.cacheDir(), n, log)
		if err != nil {
			return nil, "", err
		}
		out = append(out, files...)
	}
	if len(out) == 0 {
		return nil, "", nil
	}
	sort.Slice(out, func(i, j int) bool { return out[i].dest < out[j].dest })
	h := sha256.New()
	for _, e := range out {
		sum := sha256.Sum256(e.data)
		fmt.Fprintf(h, "%s %o %x\n", e.dest, e.mode, sum)
	}
	return out, hex.EncodeToString(h.Sum(nil)), nil
}

// cacheDir is where package archives are kept between builds.
func (o Options) cacheDir() string {
	if o.CacheDir != "" {
		return o.CacheDir
	}
	if d := os.Getenv("ARENA_DATA"); d != "" {
		return filepath.Join(d, "cache")
	}
	return filepath.Join("data", "cache")
}

// npmFiles takes the files a recipe wants from an npm tarball: the tarball
// comes from the cache, or is fetched into it once with `npm pack`; its
// integrity is checked either way.
func npmFiles(ctx context.Context, cache string, n recipes.NPMFiles, log *slog.Logger) ([]extra, error) {
	dir := filepath.Join(cache, "npm")
	file := filepath.Join(dir, n.Package+"-"+n.Version+".tgz")
	if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
		if err := npmPack(ctx, dir, n, log); err != nil {
			return nil, fmt.Errorf("npm package %s@%s is not in the cache %s and could not be fetched: %w; "+
				"on a machine that reaches the npm registry run `npm pack %s@%s` and copy the .tgz there",
				n.Package, n.Version, dir, err, n.Package, n.Version)
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("npm package %s@%s: %w", n.Package, n.Version, err)
	}
	if err := checkIntegrity(data, n.Integrity); err != nil {
		return nil, fmt.Errorf("npm package %s (%s): %w", file, n.Integrity, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("npm package %s: %w", file, err)
	}
	tr := tar.NewReader(zr)
	var out []extra
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("npm package %s: %w", file, err)
		}
		dest, ok := n.Extract[hdr.Name]
		if !ok || hdr.Typeflag != tar.TypeReg {
			continue
		}
		body, err := io.ReadAll(io.LimitReader(tr, maxNPMFile+1))
		if err != nil {
			return nil, fmt.Errorf("npm package %s: %s: %w", file, hdr.Name, err)
		}
		if len(body) > maxNPMFile {
			return nil, fmt.Errorf("npm package %s: %s is larger than %d bytes", file, hdr.Name, maxNPMFile)
		}
		out = append(out, extra{dest: dest, mode: 0o644, data: body})
	}
	if len(out) != len(n.Extract) {
		var missing []string
		for from := range n.Extract {
			found := false
			for _, e := range out {
				found = found || e.dest == n.Extract[from]
			}
			if !found {
				missing = append(missing, from)
			}
		}
		sort.Strings(missing)
		return nil, fmt.Errorf("npm package %s has no %s", file, strings.Join(missing, ", "))
	}
	return out, nil
}

// npmPack fetches a package tarball into dir with the npm client.
func npmPack(ctx context.Context, dir string, n recipes.NPMFiles, log *slog.Logger) error {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return errors.New("npm is not installed")
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(dir, ".pack-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	log.Info("fetching npm package into the build cache", "package", n.Package+"@"+n.Version, "cache", dir)
	cmd := exec.CommandContext(ctx, npm, "pack", "--silent", n.Package+"@"+n.Version, "--pack-destination", tmp)
	cmd.Dir = tmp
	var out tailBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm pack %s@%s: %w: %s", n.Package, n.Version, err, out.String())
	}
	name := n.Package + "-" + n.Version + ".tgz"
	data, err := os.ReadFile(filepath.Join(tmp, name))
	if err != nil {
		return fmt.Errorf("npm pack made no %s: %w", name, err)
	}
	if err := checkIntegrity(data, n.Integrity); err != nil {
		return fmt.Errorf("fetched %s: %w", name, err)
	}
	return os.Rename(filepath.Join(tmp, name), filepath.Join(dir, name))
}

// checkIntegrity checks data against an SRI hash "sha512-<base64>".
func checkIntegrity(data []byte, integrity string) error {
	want, ok := strings.CutPrefix(integrity, "sha512-")
	if !ok {
		return fmt.Errorf("integrity %q is not sha512-…", integrity)
	}
	sum := sha512.Sum512(data)
	if got := base64.StdEncoding.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("integrity mismatch: the file has sha512-%s", got)
	}
	return nil
}

// extraContext adds the extras to a build context's files and returns the
// Dockerfile lines that copy them into place.
func extraContext(es []extra, files, executables map[string][]byte) []string {
	var lines []string
	for i, e := range es {
		name := fmt.Sprintf("extra-%02d-%s", i, path.Base(e.dest))
		if e.mode&0o111 != 0 {
			executables[name] = e.data
		} else {
			files[name] = e.data
		}
		lines = append(lines, "COPY "+name+" "+e.dest)
	}
	return lines
}
