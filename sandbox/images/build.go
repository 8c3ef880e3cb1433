package images

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/jsonmessage"
)

// variant is the mmdebstrap variant: Essential: priority packages only, no apt.
const variant = "essential"

// dpkgExcludes keeps documentation out of the images (copyright files stay).
var dpkgExcludes = []string{
	"path-exclude=/usr/share/man/*",
	"path-exclude=/usr/share/info/*",
	"path-exclude=/usr/share/doc/*",
	"path-include=/usr/share/doc/*/copyright",
	"path-exclude=/usr/share/locale/*",
}

// Options control Build.
type Options struct {
	// Mirror is the Debian mirror URI. Default: the first one configured
	// for Suite in /etc/apt (deb822 .sources files, then sources.list).
	Mirror string
	// Suite is the Debian release. Default: DefaultSuite.
	Suite string
	// RunnerPath is the static arena-runner binary copied into every image
	// (build it with CGO_ENABLED=0). Required.
	RunnerPath string
	// Force rebuilds base file systems and images even when up to date.
	Force bool
	// Log reports what Build does. Default: discarded.
	Log *slog.Logger
	// Only limits the build to these image names (e.g. "skillarena/python3").
	// Default: every recipe.
	Only []string
	// FromRegistry makes each base file system with docker build from the
	// Debian image of Suite (debian:<suite>-slim) and apt-get, for hosts
	// that reach a registry. Default: the offline path, mmdebstrap from the
	// mirror and docker import.
	FromRegistry bool
	// Binaries maps a recipe's binary name (e.g. "arena-evm") to the
	// static executable to put in its image. Default: the file of that
	// name beside RunnerPath.
	Binaries map[string]string
	// CacheDir keeps package archives (npm tarballs) between builds, so
	// that images build offline. Default: $ARENA_DATA/cache, else data/cache.
	CacheDir string
}

// Report says what Build did for one image.
type Report struct {
	// Image is the image reference, e.g. "skillarena/cpp:latest".
	Image string `json:"image"`
	// Recipe is the recipe hash the image carries (16 hex digits).
	Recipe string `json:"recipe"`
	// Built is true when the image was (re)built, false when it was up to date.
	Built bool `json:"built"`
	// Size is the image size in bytes, as the engine reports it.
	Size int64 `json:"size"`
	// Took is how long the build took.
	Took time.Duration `json:"took"`
}

// registryVariant names the registry path in recipe hashes.
func registryVariant(suite string) string { return "registry:debian:" + suite + "-slim" }

// Build builds the sandbox images that are missing or out of date and
// reports each image it considered, with its size. For each recipe it
// makes the base file system with mmdebstrap and imports it as BaseRef
// (skipped when that tag exists), then builds Ref on top of it with the
// runner binary (skipped when the existing image carries the same recipe
// and runner hashes). It needs no network beyond the Debian mirror, unless
// Options.FromRegistry asks for the registry path.
func Build(ctx context.Context, cli *client.Client, opts Options) ([]Report, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Suite == "" {
		opts.Suite = DefaultSuite
	}
	recipes, err := selectRecipes(opts.Only)
	if err != nil {
		return nil, err
	}
	if opts.RunnerPath == "" {
		return nil, errors.New("build images: no runner binary given (build it: CGO_ENABLED=0 go build -o bin/arena-runner ./sandbox/runner/cmd/arena-runner)")
	}
	if err := CheckStatic(opts.RunnerPath); err != nil {
		return nil, fmt.Errorf("build images: %w", err)
	}
	runnerData, err := os.ReadFile(opts.RunnerPath)
	if err != nil {
		return nil, fmt.Errorf("build images: read runner: %w", err)
	}
	sum := sha256.Sum256(runnerData)
	runnerHash := hex.EncodeToString(sum[:])

	var reports []Report
	for _, r := range recipes {
		rep, err := buildOne(ctx, cli, opts, r, runnerData, runnerHash)
		if err != nil {
			return reports, fmt.Errorf("build image %s: %w", r.Name, err)
		}
		reports = append(reports, rep)
	}
	return reports, nil
}

// selectRecipes returns the recipes named in only, or all of them.
func selectRecipes(only []string) ([]Recipe, error) {
	all, err := Recipes()
	if err != nil {
		return nil, fmt.Errorf("build images: %w", err)
	}
	out, err := pick(all, only)
	if err != nil {
		return nil, fmt.Errorf("build images: %w", err)
	}
	return out, nil
}

// pick returns the recipes of all named in only (with or without
// ":latest"), in that order, or all of them when only is empty.
func pick(all []Recipe, only []string) ([]Recipe, error) {
	if len(only) == 0 {
		return all, nil
	}
	var out []Recipe
	for _, name := range only {
		name = strings.TrimSuffix(name, ":latest")
		var r Recipe
		for _, c := range all {
			if c.Name == name {
				r = c
			}
		}
		if r.Name == "" {
			names := make([]string, len(all))
			for i, r := range all {
				names[i] = r.Name
			}
			return nil, fmt.Errorf("no recipe for %q (known: %s)", name, strings.Join(names, ", "))
		}
		out = append(out, r)
	}
	return out, nil
}

func buildOne(ctx context.Context, cli *client.Client, opts Options, r Recipe, runnerData []byte, runnerHash string) (Report, error) {
	log := opts.Log.With("image", r.Ref())
	method := variant
	if opts.FromRegistry {
		method = registryVariant(opts.Suite)
	}
	recipeHash := r.hashFor(opts.Suite, method)
	rep := Report{Image: r.Ref(), Recipe: recipeHash[:16]}
	added, extrasHash, err := extras(ctx, opts, r, log)
	if err != nil {
		return rep, err
	}
	oldID := ""
	img, err := cli.ImageInspect(ctx, r.Ref())
	switch {
	case err == nil && !opts.Force && img.Config != nil &&
		img.Config.Labels[LabelRecipe] == recipeHash && img.Config.Labels[LabelRunner] == runnerHash &&
		img.Config.Labels[LabelExtras] == extrasHash:
		log.Info("image is up to date, nothing to do", "recipe", recipeHash[:16], "runner", runnerHash[:16], "size", img.Size)
		rep.Size = img.Size
		return rep, nil
	case err == nil:
		oldID = img.ID
		if opts.Force {
			log.Info("rebuilding image (forced)")
		} else {
			log.Info("image is out of date, rebuilding")
		}
	case cerrdefs.IsNotFound(err):
		log.Info("image does not exist yet, building")
	default:
		return rep, fmt.Errorf("inspect %s: %w", r.Ref(), err)
	}
	began := time.Now()

	base := r.Name + "-base:" + recipeHash[:16]
	_, err = cli.ImageInspect(ctx, base)
	switch {
	case err == nil && !opts.Force:
		log.Info("base file system already imported", "base", base)
	case (err == nil || cerrdefs.IsNotFound(err)) && opts.FromRegistry:
		if err := buildBaseFromRegistry(ctx, cli, opts, r, base, recipeHash, log); err != nil {
			return rep, err
		}
	case err == nil || cerrdefs.IsNotFound(err):
		if err := importBase(ctx, cli, opts, r, base, recipeHash, log); err != nil {
			return rep, err
		}
	default:
		return rep, fmt.Errorf("inspect %s: %w", base, err)
	}

	start := time.Now()
	buildCtx, err := buildContext(base, runnerData, added...)
	if err != nil {
		return rep, err
	}
	resp, err := cli.ImageBuild(ctx, bytes.NewReader(buildCtx), build.ImageBuildOptions{
		Tags:        []string{r.Ref()},
		Dockerfile:  "Dockerfile",
		Remove:      true,
		ForceRemove: true,
		PullParent:  false,
		NetworkMode: "none",
		Version:     build.BuilderV1,
		Labels: map[string]string{
			LabelRecipe: recipeHash,
			LabelRunner: runnerHash,
			LabelExtras: extrasHash,
		},
	})
	if err != nil {
		return rep, fmt.Errorf("docker build: %w", err)
	}
	defer resp.Body.Close()
	if err := readMessages(resp.Body, log); err != nil {
		return rep, fmt.Errorf("docker build: %w", err)
	}
	built, err := cli.ImageInspect(ctx, r.Ref())
	if err != nil {
		return rep, fmt.Errorf("inspect %s after the build: %w", r.Ref(), err)
	}
	rep.Built, rep.Size, rep.Took = true, built.Size, time.Since(began)
	log.Info("image built", "recipe", recipeHash[:16], "runner", runnerHash[:16], "size", built.Size,
		"took", time.Since(start).Round(time.Millisecond))
	removeReplaced(ctx, cli, r.Ref(), oldID, log)
	return rep, nil
}

// removeReplaced deletes the image a rebuild untagged, so that runner
// upgrades do not pile up on judge hosts. An image still in use by a
// container, or still tagged, stays: that is not an error.
func removeReplaced(ctx context.Context, cli *client.Client, ref, oldID string, log *slog.Logger) {
	if oldID == "" {
		return
	}
	img, err := cli.ImageInspect(ctx, ref)
	if err != nil || img.ID == oldID {
		return
	}
	if _, err := cli.ImageRemove(ctx, oldID, image.RemoveOptions{PruneChildren: true}); err != nil {
		log.Info("previous image kept", "id", oldID, "reason", err)
		return
	}
	log.Info("previous image removed", "id", oldID)
}

// importBase makes the recipe's root file system with mmdebstrap and
// imports it into the engine as ref.
func importBase(ctx context.Context, cli *client.Client, opts Options, r Recipe, ref, recipeHash string, log *slog.Logger) error {
	mmdebstrap, err := exec.LookPath("mmdebstrap")
	if err != nil {
		return fmt.Errorf("mmdebstrap is needed to build images offline (apt-get install mmdebstrap): %w", err)
	}
	mirror := opts.Mirror
	if mirror == "" {
		if mirror, err = DefaultMirror(opts.Suite); err != nil {
			return err
		}
	}
	dir, err := os.MkdirTemp("", "arena-image-")
	if err != nil {
		return fmt.Errorf("temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)
	rootfs := filepath.Join(dir, "rootfs.tar")

	args := []string{"--variant=" + variant}
	if len(r.Packages) > 0 {
		args = append(args, "--include="+strings.Join(r.Packages, ","))
	}
	for _, x := range dpkgExcludes {
		args = append(args, "--dpkgopt="+x)
	}
	args = append(args, opts.Suite, rootfs, fmt.Sprintf("deb %s %s main", mirror, opts.Suite))
	log.Info("making base file system with mmdebstrap", "mirror", mirror, "suite", opts.Suite, "packages", r.Packages)
	start := time.Now()
	cmd := exec.CommandContext(ctx, mmdebstrap, args...)
	var out tailBuffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("mmdebstrap %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	log.Info("base file system made", "took", time.Since(start).Round(time.Millisecond))

	f, err := os.Open(rootfs)
	if err != nil {
		return fmt.Errorf("open root file system: %w", err)
	}
	defer f.Close()
	start = time.Now()
	body, err := cli.ImageImport(ctx, image.ImportSource{Source: f, SourceName: "-"}, ref, image.ImportOptions{
		Message: "SkillArena sandbox base for " + r.Name,
		Changes: []string{"LABEL " + LabelRecipe + "=" + recipeHash},
	})
	if err != nil {
		return fmt.Errorf("docker import %s: %w", ref, err)
	}
	defer body.Close()
	if err := readMessages(body, log); err != nil {
		return fmt.Errorf("docker import %s: %w", ref, err)
	}
	log.Info("base file system imported", "base", ref, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// buildBaseFromRegistry makes the recipe's base image with docker build
// from the Debian image of the suite, for hosts that reach a registry: the
// same packages as the offline path, installed with apt-get.
func buildBaseFromRegistry(ctx context.Context, cli *client.Client, opts Options, r Recipe, ref, recipeHash string, log *slog.Logger) error {
	log.Info("building base image from the registry", "from", "debian:"+opts.Suite+"-slim", "packages", r.Packages)
	start := time.Now()
	buildCtx, err := tarFiles(map[string][]byte{"Dockerfile": []byte(registryDockerfile(opts.Suite, r.Packages))}, nil)
	if err != nil {
		return err
	}
	resp, err := cli.ImageBuild(ctx, bytes.NewReader(buildCtx), build.ImageBuildOptions{
		Tags:        []string{ref},
		Dockerfile:  "Dockerfile",
		Remove:      true,
		ForceRemove: true,
		PullParent:  true,
		Version:     build.BuilderV1,
		Labels:      map[string]string{LabelRecipe: recipeHash},
	})
	if err != nil {
		return fmt.Errorf("docker build %s: %w", ref, err)
	}
	defer resp.Body.Close()
	if err := readMessages(resp.Body, log); err != nil {
		return fmt.Errorf("docker build %s: %w", ref, err)
	}
	log.Info("base image built", "base", ref, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// registryDockerfile installs packages on the Debian image of suite,
// keeping documentation out as the offline path does.
func registryDockerfile(suite string, packages []string) string {
	return strings.Join([]string{
		"FROM debian:" + suite + "-slim",
		"RUN printf '%s\\n' " + shellQuoteAll(dpkgExcludes) + " > /etc/dpkg/dpkg.cfg.d/skillarena-nodoc \\",
		" && apt-get update \\",
		" && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends " + strings.Join(packages, " ") + " \\",
		" && rm -rf /var/lib/apt/lists/*",
		"",
	}, "\n")
}

// shellQuoteAll quotes each word for sh and joins them with spaces.
func shellQuoteAll(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// buildContext is the tar stream docker build gets: a Dockerfile on top of
// the base and the runner binary.
func buildContext(base string, runnerData []byte, added ...extra) ([]byte, error) {
	files, executables := map[string][]byte{}, map[string][]byte{"arena-runner": runnerData}
	dockerfile := strings.Join(append(append([]string{
		"FROM " + base,
		"COPY arena-runner " + RunnerInImage},
		extraContext(added, files, executables)...),
		"ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8",
		"WORKDIR /work",
		"USER 65534:65534",
		`CMD ["`+RunnerInImage+`"]`,
		"",
	), "\n")
	files["Dockerfile"] = []byte(dockerfile)
	return tarFiles(files, executables)
}

// tarFiles makes a build context: files with mode 0644, executables 0755,
// in name order.
func tarFiles(files, executables map[string][]byte) ([]byte, error) {
	type entry struct {
		name string
		mode int64
		data []byte
	}
	var entries []entry
	for n, d := range files {
		entries = append(entries, entry{n, 0o644, d})
	}
	for n, d := range executables {
		entries = append(entries, entry{n, 0o755, d})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range entries {
		hdr := &tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data)), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("build context: %w", err)
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, fmt.Errorf("build context: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("build context: %w", err)
	}
	return buf.Bytes(), nil
}

// readMessages consumes a Docker JSON progress stream, logging its output
// at debug level and returning the error it reports, if any.
func readMessages(r io.Reader, log *slog.Logger) error {
	dec := json.NewDecoder(r)
	for {
		var msg jsonmessage.JSONMessage
		if err := dec.Decode(&msg); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read progress: %w", err)
		}
		if msg.Error != nil {
			return msg.Error
		}
		if s := strings.TrimSpace(msg.Stream + msg.Status); s != "" {
			log.Debug(s)
		}
	}
}

// CheckStatic checks that path is a statically linked ELF executable for
// this machine's architecture, as the sandbox images need: they have no Go
// toolchain and the runner must not depend on their C library.
func CheckStatic(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("runner %s is not an ELF executable: %w", path, err)
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return fmt.Errorf("runner %s is not an executable (ELF type %v)", path, f.Type)
	}
	if want, ok := elfMachine[runtime.GOARCH]; ok && f.Machine != want {
		return fmt.Errorf("runner %s is built for %v, this machine needs %v", path, f.Machine, want)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("runner %s is dynamically linked: build it with CGO_ENABLED=0", path)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		return fmt.Errorf("runner %s needs shared libraries %v: build it with CGO_ENABLED=0", path, libs)
	}
	return nil
}

var elfMachine = map[string]elf.Machine{
	"amd64":   elf.EM_X86_64,
	"arm64":   elf.EM_AARCH64,
	"386":     elf.EM_386,
	"arm":     elf.EM_ARM,
	"riscv64": elf.EM_RISCV,
	"ppc64le": elf.EM_PPC64,
	"s390x":   elf.EM_S390,
}

// DefaultMirror returns the first Debian mirror /etc/apt configures for
// suite: deb822 /etc/apt/sources.list.d/*.sources files first, then
// /etc/apt/sources.list and sources.list.d/*.list.
func DefaultMirror(suite string) (string, error) {
	return mirrorFrom("/etc/apt", suite)
}

func mirrorFrom(aptDir, suite string) (string, error) {
	deb822, _ := filepath.Glob(filepath.Join(aptDir, "sources.list.d", "*.sources"))
	for _, p := range deb822 {
		data, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", p, err)
		}
		if uri := mirrorInDeb822(string(data), suite); uri != "" {
			return uri, nil
		}
	}
	lists := []string{filepath.Join(aptDir, "sources.list")}
	more, _ := filepath.Glob(filepath.Join(aptDir, "sources.list.d", "*.list"))
	lists = append(lists, more...)
	for _, p := range lists {
		data, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("read %s: %w", p, err)
		}
		if uri := mirrorInList(string(data), suite); uri != "" {
			return uri, nil
		}
	}
	return "", fmt.Errorf("no Debian mirror for %s configured in %s (sources.list.d/*.sources or sources.list): give one with the mirror option", suite, aptDir)
}

// mirrorInDeb822 returns the first URI of a deb822 stanza with Types deb
// and Suites containing suite.
func mirrorInDeb822(text, suite string) string {
	for _, stanza := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		fields := map[string]string{}
		sc := bufio.NewScanner(strings.NewReader(stanza))
		key := ""
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			if (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && key != "" {
				fields[key] += " " + strings.TrimSpace(line)
				continue
			}
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			key = strings.ToLower(strings.TrimSpace(k))
			fields[key] = strings.TrimSpace(v)
		}
		if strings.EqualFold(fields["enabled"], "no") {
			continue
		}
		if !slices.Contains(strings.Fields(fields["types"]), "deb") || !slices.Contains(strings.Fields(fields["suites"]), suite) {
			continue
		}
		if uris := strings.Fields(fields["uris"]); len(uris) > 0 {
			return uris[0]
		}
	}
	return ""
}

// mirrorInList returns the URI of the first one-line "deb URI suite ..."
// entry for suite.
func mirrorInList(text, suite string) string {
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != "deb" {
			continue
		}
		f = f[1:]
		if strings.HasPrefix(f[0], "[") { // [arch=amd64 signed-by=...]
			for len(f) > 0 && !strings.HasSuffix(f[0], "]") {
				f = f[1:]
			}
			if len(f) == 0 {
				continue
			}
			f = f[1:]
		}
		if len(f) >= 2 && f[1] == suite {
			return f[0]
		}
	}
	return ""
}

// tailBuffer keeps the last 4 KiB written to it, for error messages.
type tailBuffer struct{ buf []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - 4096; over > 0 {
		t.buf = t.buf[over:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.buf) }
