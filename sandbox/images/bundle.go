package images

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/client"
	"github.com/klauspost/compress/zstd"
)

// An image bundle carries sandbox images to hosts that have Docker but no
// Debian mirror or registry. It is one tar stream, zstd-compressed by
// default:
//
//	skillarena-bundle.json    the Manifest, first
//	...                       every entry of the engine's `docker save` stream of the images
//	skillarena-bundle.sha256  the SHA-256 of those entries and their count, last
//
// The trailing checksum makes a truncated or damaged file fail before
// anything is loaded: Load reads the whole file once to check it, then
// again to hand the docker entries to the engine.
const (
	bundleManifestName = "skillarena-bundle.json"
	bundleSumName      = "skillarena-bundle.sha256"
	// BundleFormat is the bundle layout version this binary writes and reads.
	BundleFormat = 1
	// maxManifest bounds the manifests read from a bundle.
	maxManifest = 4 << 20
)

// Bundle compressions.
const (
	// CompressZstd is the default: about a third of the size of the plain
	// tar at close to the speed of copying it (gzip is several times slower
	// for a larger file).
	CompressZstd = "zstd"
	// CompressNone writes the plain tar stream.
	CompressNone = "none"
)

// Manifest is what a bundle says about itself.
type Manifest struct {
	// Format is BundleFormat of the arena that wrote it.
	Format int `json:"format"`
	// Arena is the version of the arena binary that saved the bundle.
	Arena string `json:"arena"`
	// Created is when the bundle was saved.
	Created time.Time `json:"created"`
	// Images are the images in the bundle.
	Images []BundleImage `json:"images"`
}

// BundleImage is one image of a bundle.
type BundleImage struct {
	// Image is the reference, e.g. "skillarena/sqlite:latest".
	Image string `json:"image"`
	// Name is the recipe name, e.g. "skillarena/sqlite".
	Name string `json:"name"`
	// ID and Size are the saving engine's image ID and size.
	ID   string `json:"id"`
	Size int64  `json:"size"`
	// Labels are the image's SkillArena labels: LabelRecipe, LabelRunner,
	// LabelExtras.
	Labels map[string]string `json:"labels"`
}

// SaveOptions control Save.
type SaveOptions struct {
	// Only limits the bundle to these recipe names (e.g.
	// "skillarena/sqlite"). Default: every recipe, the arena image only when
	// the engine has it.
	Only []string
	// Compression is CompressZstd (default) or CompressNone.
	Compression string
	// Recipes is the table images are checked against. Default: Recipes().
	Recipes []Recipe
	// Log reports what Save does. Default: discarded.
	Log *slog.Logger
}

// LoadOptions control Load.
type LoadOptions struct {
	// AllowStale loads a bundle whose images are not current for this
	// binary's recipes, with a warning, instead of refusing it.
	AllowStale bool
	// Recipes is the table images are checked against. Default: Recipes().
	Recipes []Recipe
	// Log reports what Load does. Default: discarded.
	Log *slog.Logger
}

// Loaded is what Load did.
type Loaded struct {
	// Manifest is the bundle's manifest.
	Manifest Manifest
	// Images are the loaded images as Check sees them on the engine now.
	Images []Status
	// Stale says, for each loaded image not current for this binary's
	// recipes, what is wrong (only with LoadOptions.AllowStale).
	Stale []string
}

// Save writes the images of the chosen recipes into one bundle at path. It
// refuses, writing nothing, when one of them is missing or not current for
// its recipe. The file appears only once complete: Save writes a temporary
// file beside it and renames it, and removes it on any error or when ctx
// ends.
func Save(ctx context.Context, cli *client.Client, path string, opts SaveOptions) (Manifest, error) {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	comp := opts.Compression
	if comp == "" {
		comp = CompressZstd
	}
	if comp != CompressZstd && comp != CompressNone {
		return Manifest{}, fmt.Errorf("save bundle: unknown compression %q (use %s or %s)", comp, CompressZstd, CompressNone)
	}
	table, err := recipeTable(opts.Recipes)
	if err != nil {
		return Manifest{}, fmt.Errorf("save bundle: %w", err)
	}
	chosen, err := pick(table, opts.Only)
	if err != nil {
		return Manifest{}, fmt.Errorf("save bundle: %w", err)
	}
	statuses, err := Check(ctx, cli, chosen)
	if err != nil {
		return Manifest{}, fmt.Errorf("save bundle: %w", err)
	}
	m := Manifest{Format: BundleFormat, Arena: Version(), Created: time.Now().UTC().Truncate(time.Second)}
	var problems []string
	for _, st := range statuses {
		if !st.Present && st.Name == ArenaImage && len(opts.Only) == 0 {
			log.Info("arena image not on this engine, left out of the bundle", "image", st.Image)
			continue
		}
		if p := st.Problem(); p != "" {
			problems = append(problems, p)
			continue
		}
		m.Images = append(m.Images, BundleImage{Image: st.Image, Name: st.Name, ID: st.ID, Size: st.Size, Labels: st.Labels})
	}
	if len(problems) > 0 {
		return Manifest{}, fmt.Errorf("save bundle: nothing written, %d image(s) cannot go into it:\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	if len(m.Images) == 0 {
		return Manifest{}, errors.New("save bundle: no images to save")
	}
	if err := saveTo(ctx, cli, path, m, comp, log); err != nil {
		return Manifest{}, fmt.Errorf("save bundle %s: %w", path, err)
	}
	return m, nil
}

// saveTo streams the engine's docker save of m's images into path through a
// temporary file.
func saveTo(ctx context.Context, cli *client.Client, path string, m Manifest, comp string, log *slog.Logger) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".part-*")
	if err != nil {
		return fmt.Errorf("temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	refs := make([]string, len(m.Images))
	for i, img := range m.Images {
		refs[i] = img.Image
	}
	log.Info("saving images", "images", refs, "compression", comp)
	rc, err := cli.ImageSave(ctx, refs)
	if err != nil {
		return fmt.Errorf("docker save: %w", err)
	}
	defer rc.Close()
	if err := writeBundle(tmp, m, rc, comp); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("chmod: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename: %w", err)
	}
	return nil
}

// writeBundle writes the bundle of m and the docker save stream to w.
func writeBundle(w io.Writer, m Manifest, docker io.Reader, comp string) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	out := io.Writer(bw)
	var enc *zstd.Encoder
	if comp == CompressZstd {
		var err error
		if enc, err = zstd.NewWriter(bw, zstd.WithEncoderLevel(zstd.SpeedDefault)); err != nil {
			return fmt.Errorf("zstd: %w", err)
		}
		out = enc
	}
	tw := tar.NewWriter(out)
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	if err := writeEntry(tw, bundleManifestName, data, m.Created); err != nil {
		return err
	}
	sum := newEntryHash()
	n := 0
	tr := tar.NewReader(docker)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read docker save stream: %w", err)
		}
		if hdr.Name == bundleManifestName || hdr.Name == bundleSumName {
			return fmt.Errorf("docker save stream has an entry %s", hdr.Name)
		}
		sum.header(hdr)
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("write %s: %w", hdr.Name, err)
		}
		if _, err := io.Copy(io.MultiWriter(tw, sum), tr); err != nil {
			return fmt.Errorf("copy %s: %w", hdr.Name, err)
		}
		n++
	}
	if n == 0 {
		return errors.New("docker save stream is empty")
	}
	if err := writeEntry(tw, bundleSumName, []byte(sum.line(n)), m.Created); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("finish tar: %w", err)
	}
	if enc != nil {
		if err := enc.Close(); err != nil {
			return fmt.Errorf("finish zstd: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

func writeEntry(tw *tar.Writer, name string, data []byte, mod time.Time) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: mod, Typeflag: tar.TypeReg}); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if _, err := tw.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// entryHash hashes the docker entries of a bundle: each one's name, type,
// link and size, then its data.
type entryHash struct{ hash.Hash }

func newEntryHash() entryHash { return entryHash{sha256.New()} }

func (h entryHash) header(hdr *tar.Header) {
	fmt.Fprintf(h, "%s\x00%c\x00%s\x00%d\n", hdr.Name, hdr.Typeflag, hdr.Linkname, hdr.Size)
}

// line is the checksum entry's text: "<hex sha256> <entries>\n".
func (h entryHash) line(n int) string {
	return hex.EncodeToString(h.Sum(nil)) + " " + strconv.Itoa(n) + "\n"
}

// ReadManifest checks the whole bundle at path, as Load does before it
// loads anything, and returns its manifest.
func ReadManifest(path string) (Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return Manifest{}, fmt.Errorf("read bundle: %w", err)
	}
	defer f.Close()
	m, err := readBundle(f, nil)
	if err != nil {
		return m, fmt.Errorf("read bundle %s: %w", path, err)
	}
	return m, nil
}

// readBundle reads a bundle (plain, zstd or gzip), hands each docker entry
// to each (when not nil) and checks the trailing checksum, the format and
// that the docker entries hold every image the manifest names.
func readBundle(r io.Reader, each func(*tar.Header, io.Reader) error) (Manifest, error) {
	var m Manifest
	br := bufio.NewReaderSize(r, 1<<20)
	magic, err := br.Peek(4)
	if err != nil {
		return m, fmt.Errorf("not a SkillArena image bundle (%d bytes)", len(magic))
	}
	var src io.Reader = br
	compressed := true
	switch {
	case bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		dec, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return m, fmt.Errorf("zstd: %w", err)
		}
		defer dec.Close()
		src = dec
	case magic[0] == 0x1f && magic[1] == 0x8b:
		gz, err := gzip.NewReader(br)
		if err != nil {
			return m, fmt.Errorf("gzip: %w", err)
		}
		defer gz.Close()
		src = gz
	default:
		compressed = false
	}
	// A tar stream starts with a header block carrying the ustar magic.
	ts := bufio.NewReaderSize(src, 64<<10)
	head, err := ts.Peek(512)
	if len(head) < 262 || string(head[257:262]) != "ustar" {
		if compressed && errors.Is(err, io.ErrUnexpectedEOF) {
			return m, damaged(err)
		}
		return m, fmt.Errorf("not a SkillArena image bundle: not a tar stream (save one with arena images save)")
	}
	tr := tar.NewReader(ts)
	hdr, err := tr.Next()
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return m, damaged(err)
	}
	if err != nil || hdr.Name != bundleManifestName {
		return m, fmt.Errorf("not a SkillArena image bundle: it does not start with %s (save one with arena images save)", bundleManifestName)
	}
	data, err := io.ReadAll(io.LimitReader(tr, maxManifest))
	if err != nil {
		return m, damaged(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("not a SkillArena image bundle: bad %s: %w", bundleManifestName, err)
	}
	if m.Format != BundleFormat {
		return m, fmt.Errorf("bundle format %d (saved by arena %s), this arena reads format %d", m.Format, m.Arena, BundleFormat)
	}
	if len(m.Images) == 0 {
		return m, errors.New("bundle manifest names no images")
	}
	sum := newEntryHash()
	n := 0
	var trailer string
	var dockerManifest []byte
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, damaged(err)
		}
		if trailer != "" {
			return m, fmt.Errorf("bundle is damaged: entry %s after its checksum", hdr.Name)
		}
		if hdr.Name == bundleSumName {
			b, err := io.ReadAll(io.LimitReader(tr, 256))
			if err != nil {
				return m, damaged(err)
			}
			trailer = string(b)
			continue
		}
		sum.header(hdr)
		var body io.Reader = io.TeeReader(tr, sum)
		if hdr.Name == "manifest.json" {
			if dockerManifest, err = io.ReadAll(io.LimitReader(body, maxManifest)); err != nil {
				return m, damaged(err)
			}
			body = bytes.NewReader(dockerManifest)
		}
		if each != nil {
			if err := each(hdr, body); err != nil {
				return m, err
			}
		}
		if _, err := io.Copy(io.Discard, body); err != nil {
			return m, damaged(err)
		}
		n++
	}
	if trailer == "" {
		return m, errors.New("bundle is truncated: it ends before its checksum (copy the file again)")
	}
	if want := sum.line(n); trailer != want {
		return m, fmt.Errorf("bundle is damaged: its checksum says %q, its contents hash to %q (copy the file again)", strings.TrimSpace(trailer), strings.TrimSpace(want))
	}
	if err := checkDockerManifest(dockerManifest, m); err != nil {
		return m, err
	}
	return m, nil
}

// damaged names a read error of the bundle's contents.
func damaged(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("bundle is truncated (copy the file again): %w", err)
	}
	return fmt.Errorf("bundle is damaged (copy the file again): %w", err)
}

// checkDockerManifest checks that the docker save stream's manifest.json
// tags every image the bundle's manifest names.
func checkDockerManifest(data []byte, m Manifest) error {
	if data == nil {
		return errors.New("bundle holds no docker save stream (no manifest.json)")
	}
	var entries []struct {
		RepoTags []string `json:"RepoTags"`
	}
	if err := json.Unmarshal(data, &entries); err != nil {
		return fmt.Errorf("bundle's docker manifest.json: %w", err)
	}
	var tags []string
	for _, e := range entries {
		tags = append(tags, e.RepoTags...)
	}
	for _, img := range m.Images {
		if !slices.Contains(tags, img.Image) {
			return fmt.Errorf("bundle is damaged: its manifest names %s, its docker save stream does not hold it", img.Image)
		}
	}
	return nil
}

// Load checks the bundle at path, loads its images into the engine and
// checks each loaded image: it carries the labels the manifest says, and
// Check finds it current for this binary's recipes. A truncated, damaged
// or foreign file, or (unless opts.AllowStale) a bundle whose images are
// stale for this binary, is refused before anything is loaded.
func Load(ctx context.Context, cli *client.Client, path string, opts LoadOptions) (Loaded, error) {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	table, err := recipeTable(opts.Recipes)
	if err != nil {
		return Loaded{}, fmt.Errorf("load bundle: %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return Loaded{}, fmt.Errorf("load bundle: %w", err)
	}
	defer f.Close()
	log.Info("checking bundle", "file", path)
	m, err := readBundle(f, nil)
	if err != nil {
		return Loaded{}, fmt.Errorf("load bundle %s: nothing loaded: %w", path, err)
	}
	res := Loaded{Manifest: m}
	loadedRecipes := make([]Recipe, len(m.Images))
	for i, img := range m.Images {
		loadedRecipes[i].Name = img.Name
		j := slices.IndexFunc(table, func(r Recipe) bool { return r.Name == img.Name })
		switch {
		case j < 0:
			res.Stale = append(res.Stale, fmt.Sprintf("%s: this arena has no recipe for it", img.Image))
		case !table[j].IsCurrent(img.Labels[LabelRecipe], DefaultSuite):
			res.Stale = append(res.Stale, fmt.Sprintf("%s: the bundle's recipe is %s, this arena expects %s", img.Image, shortHash(img.Labels[LabelRecipe]), shortHash(table[j].Hash(DefaultSuite))))
		}
		if j >= 0 {
			loadedRecipes[i] = table[j]
		}
	}
	if len(res.Stale) > 0 {
		if !opts.AllowStale {
			return Loaded{Manifest: m}, fmt.Errorf("load bundle %s: nothing loaded: it was saved by arena %s and %d of its images are stale for this arena (%s):\n  %s\nsave a bundle with this arena version on a connected host, or pass --allow-stale to load it anyway",
				path, m.Arena, len(res.Stale), Version(), strings.Join(res.Stale, "\n  "))
		}
		for _, s := range res.Stale {
			log.Warn("loading a stale image", "problem", s)
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return res, fmt.Errorf("load bundle %s: %w", path, err)
	}
	log.Info("loading images", "images", len(m.Images), "saved_by", m.Arena)
	if err := loadInto(ctx, cli, f, log); err != nil {
		return res, fmt.Errorf("load bundle %s: %w", path, err)
	}
	if res.Images, err = Check(ctx, cli, loadedRecipes); err != nil {
		return res, fmt.Errorf("load bundle %s: %w", path, err)
	}
	for i, st := range res.Images {
		want := m.Images[i].Labels
		for _, l := range []string{LabelRecipe, LabelRunner, LabelExtras} {
			if st.Labels[l] != want[l] {
				return res, fmt.Errorf("load bundle %s: loaded %s carries %s=%q, the bundle says %q", path, st.Image, l, st.Labels[l], want[l])
			}
		}
	}
	return res, nil
}

// loadInto hands the docker entries of the bundle in r to the engine's
// docker load.
func loadInto(ctx context.Context, cli *client.Client, r io.Reader, log *slog.Logger) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		tw := tar.NewWriter(pw)
		_, err := readBundle(r, func(hdr *tar.Header, body io.Reader) error {
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			_, err := io.Copy(tw, body)
			return err
		})
		if err == nil {
			err = tw.Close()
		}
		pw.CloseWithError(err)
		done <- err
	}()
	resp, err := cli.ImageLoad(ctx, pr, client.ImageLoadWithQuiet(true))
	if err != nil {
		pr.CloseWithError(err)
		<-done
		return fmt.Errorf("docker load: %w", err)
	}
	defer resp.Body.Close()
	if resp.JSON {
		err = readMessages(resp.Body, log)
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	pr.Close()
	if rerr := <-done; rerr != nil && !errors.Is(rerr, io.ErrClosedPipe) {
		return fmt.Errorf("docker load: read bundle: %w", rerr)
	}
	if err != nil {
		return fmt.Errorf("docker load: %w", err)
	}
	return nil
}

// recipeTable is table, or the embedded recipes when it is nil.
func recipeTable(table []Recipe) ([]Recipe, error) {
	if table != nil {
		return table, nil
	}
	return Recipes()
}

// Version is this arena binary's version as its build information says:
// the module version and, when built from a checkout, the commit.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		v += " " + rev
		if dirty {
			v += "-dirty"
		}
	}
	return v
}
