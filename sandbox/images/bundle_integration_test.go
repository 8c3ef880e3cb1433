package images_test

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/images"
)

// tinyRecipe builds, from scratch, a one-file image under a name of this
// test alone, labelled as current for a recipe of that name, so that the
// bundle tests never touch the skillarena/* images other tests use. The
// image is removed when the test ends.
func tinyRecipe(t *testing.T, cli *client.Client) images.Recipe {
	t.Helper()
	var r images.Recipe
	r.Name = fmt.Sprintf("arenatest/bundle-%d-%d", os.Getpid(), time.Now().UnixNano())
	r.Packages = []string{"tiny"}
	var ctxTar bytes.Buffer
	tw := tar.NewWriter(&ctxTar)
	for name, data := range map[string]string{
		"Dockerfile": "FROM scratch\nCOPY hello.txt /hello.txt\n",
		"hello.txt":  "a file of " + r.Name + "\n",
	} {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data))})
		tw.Write([]byte(data))
	}
	tw.Close()
	ctx := context.Background()
	resp, err := cli.ImageBuild(ctx, &ctxTar, build.ImageBuildOptions{
		Tags: []string{r.Ref()}, Dockerfile: "Dockerfile", Remove: true, ForceRemove: true,
		NetworkMode: "none", Version: build.BuilderV1,
		Labels: map[string]string{images.LabelRecipe: r.Hash(images.DefaultSuite), images.LabelRunner: "test-runner", images.LabelExtras: ""},
	})
	if err != nil {
		t.Fatalf("build tiny image: %v", err)
	}
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	resp.Body.Close()
	if strings.Contains(out.String(), `"error"`) {
		t.Fatalf("build tiny image: %s", out.String())
	}
	t.Cleanup(func() { removeImage(t, cli, r.Ref()) })
	return r
}

// removeImage removes ref, a test-only image; a missing one is fine.
func removeImage(t *testing.T, cli *client.Client, ref string) {
	t.Helper()
	if _, err := cli.ImageRemove(context.Background(), ref, image.RemoveOptions{Force: true, PruneChildren: true}); err != nil && !cerrdefs.IsNotFound(err) {
		t.Errorf("remove %s: %v", ref, err)
	}
}

// status is Check's word on r's image: the judge's start-up check.
func status(t *testing.T, cli *client.Client, r images.Recipe) images.Status {
	t.Helper()
	sts, err := images.Check(context.Background(), cli, []images.Recipe{r})
	if err != nil || len(sts) != 1 {
		t.Fatalf("Check: %v %v", sts, err)
	}
	return sts[0]
}

// TestIntegrationBundle saves a test-only image into a bundle, removes it,
// and loads it back: the loaded image carries its labels and Check (what
// arena judge runs at start-up) finds it current. A truncated bundle and a
// bundle stale for the recipes load nothing.
func TestIntegrationBundle(t *testing.T) {
	cli := testenv.Docker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	r := tinyRecipe(t, cli)
	table := []images.Recipe{r}
	before := status(t, cli, r)
	if !before.Current {
		t.Fatalf("tiny image not current: %s", before.Problem())
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "images.bundle")
	m, err := images.Save(ctx, cli, path, images.SaveOptions{Recipes: table})
	if err != nil {
		t.Fatalf("Save: %v", err)
	}
	if len(m.Images) != 1 || m.Images[0].Image != r.Ref() || m.Images[0].ID != before.ID || m.Images[0].Labels[images.LabelRunner] != "test-runner" {
		t.Fatalf("manifest %+v", m)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("save left %v in its directory", entries)
	}
	if read, err := images.ReadManifest(path); err != nil || read.Images[0].Labels[images.LabelRecipe] != r.Hash(images.DefaultSuite) {
		t.Fatalf("ReadManifest: %+v %v", read, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	removeImage(t, cli, r.Ref())
	if st := status(t, cli, r); st.Present || !strings.Contains(st.Problem(), "not on this Docker engine") {
		t.Fatalf("after removal: %+v", st)
	}

	// A truncated bundle loads nothing.
	cut := filepath.Join(dir, "cut.bundle")
	os.WriteFile(cut, data[:len(data)*2/3], 0o644)
	if _, err := images.Load(ctx, cli, cut, images.LoadOptions{Recipes: table}); err == nil || !strings.Contains(err.Error(), "truncated") || !strings.Contains(err.Error(), "nothing loaded") {
		t.Errorf("truncated bundle: %v", err)
	}
	if status(t, cli, r).Present {
		t.Fatal("a truncated bundle loaded the image")
	}

	// A bundle whose recipe hash is not the one this table expects loads
	// nothing, unless asked to.
	other := r
	other.Packages = []string{"tiny", "more"}
	_, err = images.Load(ctx, cli, path, images.LoadOptions{Recipes: []images.Recipe{other}})
	if err == nil || !strings.Contains(err.Error(), "stale") || !strings.Contains(err.Error(), r.Ref()) || !strings.Contains(err.Error(), other.Hash(images.DefaultSuite)[:16]) {
		t.Errorf("stale bundle: %v", err)
	}
	if status(t, cli, r).Present {
		t.Fatal("a stale bundle loaded the image")
	}

	// The bundle loads; the image is back, current, with the same labels.
	res, err := images.Load(ctx, cli, path, images.LoadOptions{Recipes: table})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(res.Images) != 1 || !res.Images[0].Current || len(res.Stale) != 0 {
		t.Fatalf("loaded %+v", res)
	}
	after := status(t, cli, r)
	if !after.Current || after.ID != before.ID || after.Labels[images.LabelRunner] != "test-runner" {
		t.Errorf("after load: %+v, before %+v", after, before)
	}

	// Loading it against the other table with AllowStale loads it with a warning.
	res, err = images.Load(ctx, cli, path, images.LoadOptions{Recipes: []images.Recipe{other}, AllowStale: true})
	if err != nil || len(res.Stale) != 1 || res.Images[0].Current {
		t.Errorf("allow stale: %+v %v", res, err)
	}
}

// TestIntegrationSaveRefuses checks that Save writes nothing when an image
// is missing or stale for its recipe, and says how to build it.
func TestIntegrationSaveRefuses(t *testing.T) {
	cli := testenv.Docker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := tinyRecipe(t, cli)
	stale := r
	stale.Packages = []string{"changed"}
	var missing images.Recipe
	missing.Name, missing.Packages = r.Name+"-missing", []string{"x"}
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		table []images.Recipe
		want  []string
	}{
		{"missing", []images.Recipe{r, missing}, []string{missing.Ref(), "not on this Docker engine", "arena images build"}},
		{"stale", []images.Recipe{stale}, []string{r.Ref(), "not current", "arena images build"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".bundle")
			_, err := images.Save(ctx, cli, path, images.SaveOptions{Recipes: tc.table})
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v, want %q", err, w)
				}
			}
		})
	}
	// A save cut short by its context leaves no file either.
	cctx, ccancel := context.WithCancel(ctx)
	ccancel()
	if _, err := images.Save(cctx, cli, filepath.Join(dir, "cancelled.bundle"), images.SaveOptions{Recipes: []images.Recipe{r}}); err == nil {
		t.Error("cancelled save succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused saves left %v", entries)
	}
}

// TestIntegrationBundleSandboxImage saves the real sqlite image (the
// smallest) against the embedded recipes and checks the whole bundle, as
// Load does before it loads anything. It does not load it back: other
// tests use skillarena/sqlite at the same time.
func TestIntegrationBundleSandboxImage(t *testing.T) {
	cli := testenv.Docker(t)
	testenv.Image(t, cli, "skillarena/sqlite:latest")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	all, err := images.Recipes()
	if err != nil {
		t.Fatal(err)
	}
	var sqlite images.Recipe
	for _, r := range all {
		if r.Name == "skillarena/sqlite" {
			sqlite = r
		}
	}
	if st := status(t, cli, sqlite); !st.Current {
		testenv.Missing(t, "%s", st.Problem())
	}
	path := filepath.Join(t.TempDir(), "sqlite.bundle")
	start := time.Now()
	m, err := images.Save(ctx, cli, path, images.SaveOptions{Only: []string{"skillarena/sqlite"}})
	if err != nil {
		t.Fatalf("Save: %v", err)
	}
	fi, _ := os.Stat(path)
	t.Logf("saved %s (%d MB) into %d MB in %v", m.Images[0].Image, m.Images[0].Size>>20, fi.Size()>>20, time.Since(start).Round(time.Millisecond))
	read, err := images.ReadManifest(path)
	if err != nil {
		t.Fatalf("ReadManifest: %v", err)
	}
	if len(read.Images) != 1 || !sqlite.IsCurrent(read.Images[0].Labels[images.LabelRecipe], images.DefaultSuite) || read.Arena == "" {
		t.Errorf("manifest %+v", read)
	}
	if fi.Size() >= m.Images[0].Size/2 {
		t.Errorf("bundle %d bytes for an image of %d: not compressed?", fi.Size(), m.Images[0].Size)
	}
}
