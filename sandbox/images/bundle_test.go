package images

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"
)

// dockerTar is a stand-in for a docker save stream holding refs.
func dockerTar(t *testing.T, refs ...string) []byte {
	t.Helper()
	manifest, _ := json.Marshal([]map[string]any{{"Config": "blobs/sha256/c", "RepoTags": refs, "Layers": []string{"blobs/sha256/l"}}})
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct {
		name, link string
		data       []byte
	}{
		{"blobs/sha256/c", "", []byte(`{"config":{}}`)},
		{"blobs/sha256/l", "", bytes.Repeat([]byte("layer data "), 20000)},
		{"l/layer.tar", "../blobs/sha256/l", nil},
		{"manifest.json", "", manifest},
	} {
		hdr := &tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.data)), Typeflag: tar.TypeReg}
		if f.link != "" {
			hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, f.link
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write(f.data)
	}
	tw.Close()
	return buf.Bytes()
}

func testManifest(refs ...string) Manifest {
	m := Manifest{Format: BundleFormat, Arena: "test", Created: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	for _, r := range refs {
		m.Images = append(m.Images, BundleImage{Image: r, Name: strings.TrimSuffix(r, ":latest"), Labels: map[string]string{LabelRecipe: "abc"}})
	}
	return m
}

func bundleBytes(t *testing.T, comp string, m Manifest, docker []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := writeBundle(&buf, m, bytes.NewReader(docker), comp); err != nil {
		t.Fatalf("writeBundle: %v", err)
	}
	return buf.Bytes()
}

func TestBundleRoundTrip(t *testing.T) {
	docker := dockerTar(t, "x/a:latest", "x/b:latest")
	for _, comp := range []string{CompressZstd, CompressNone, "gzip"} {
		t.Run(comp, func(t *testing.T) {
			m := testManifest("x/a:latest", "x/b:latest")
			var data []byte
			if comp == "gzip" { // a plain bundle gzipped by hand is read too
				var gz bytes.Buffer
				w := gzip.NewWriter(&gz)
				w.Write(bundleBytes(t, CompressNone, m, docker))
				w.Close()
				data = gz.Bytes()
			} else {
				data = bundleBytes(t, comp, m, docker)
			}
			if comp == CompressZstd && len(data) > len(docker)/4 {
				t.Errorf("zstd bundle %d bytes for %d of docker data", len(data), len(docker))
			}
			// The docker entries come out as they went in.
			var out bytes.Buffer
			tw := tar.NewWriter(&out)
			got, err := readBundle(bytes.NewReader(data), func(hdr *tar.Header, body io.Reader) error {
				if err := tw.WriteHeader(hdr); err != nil {
					return err
				}
				_, err := io.Copy(tw, body)
				return err
			})
			tw.Close()
			if err != nil {
				t.Fatalf("readBundle: %v", err)
			}
			if got.Arena != "test" || len(got.Images) != 2 || got.Images[1].Labels[LabelRecipe] != "abc" || !got.Created.Equal(m.Created) {
				t.Errorf("manifest %+v", got)
			}
			if !bytes.Equal(out.Bytes(), docker) {
				t.Errorf("docker entries changed: %d bytes in, %d out", len(docker), out.Len())
			}
		})
	}
}

func TestBundleBroken(t *testing.T) {
	docker := dockerTar(t, "x/a:latest")
	m := testManifest("x/a:latest")
	plain := bundleBytes(t, CompressNone, m, docker)
	zst := bundleBytes(t, CompressZstd, m, docker)
	trailer := bytes.Index(plain, []byte(bundleSumName)) // the checksum entry's header
	flipped := bytes.Clone(plain)
	flipped[bytes.Index(flipped, []byte("layer data"))+5] ^= 1
	var plainTar bytes.Buffer
	tw := tar.NewWriter(&plainTar)
	tw.WriteHeader(&tar.Header{Name: "hello.txt", Mode: 0o644, Size: 2})
	tw.Write([]byte("hi"))
	tw.Close()
	newer := testManifest("x/a:latest")
	newer.Format = BundleFormat + 1

	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a SkillArena image bundle"},
		{"three bytes", plain[:3], "not a SkillArena image bundle"},
		{"foreign bytes", bytes.Repeat([]byte{0xde, 0xad}, 4096), "not a SkillArena image bundle"},
		{"short text", []byte("not a bundle, some text"), "not a SkillArena image bundle"},
		{"foreign tar", plainTar.Bytes(), "not a SkillArena image bundle"},
		{"bare docker save", docker, "not a SkillArena image bundle"},
		{"cut in the manifest", plain[:600], "truncated"},
		{"cut in a layer", plain[:len(plain)/2], "truncated"},
		{"cut before the checksum", plain[:trailer], "truncated"},
		{"zstd cut in half", zst[:len(zst)/2], "truncated"},
		{"zstd cut by one byte", zst[:len(zst)-1], "truncated"},
		{"flipped byte", flipped, "damaged"},
		{"newer format", bundleBytes(t, CompressNone, newer, docker), "format"},
		{"image missing from docker save", bundleBytes(t, CompressNone, testManifest("x/a:latest", "x/other:latest"), docker), "does not hold it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readBundle(bytes.NewReader(tc.data), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestIsCurrent(t *testing.T) {
	var r Recipe
	r.Name, r.Packages = "x/y", []string{"a"}
	for _, tc := range []struct {
		label string
		want  bool
	}{
		{r.Hash(DefaultSuite), true},
		{r.hashFor(DefaultSuite, registryVariant(DefaultSuite)), true},
		{r.Hash("trixie"), false},
		{"", false},
		{"0123", false},
	} {
		if got := r.IsCurrent(tc.label, DefaultSuite); got != tc.want {
			t.Errorf("IsCurrent(%q) = %v", tc.label, got)
		}
	}
	missing := Status{Image: "skillarena/go:latest", Name: "skillarena/go"}
	if p := missing.Problem(); !strings.Contains(p, "arena images build go") {
		t.Errorf("missing: %q", p)
	}
	stale := Status{Image: "skillarena/go:latest", Name: "skillarena/go", Present: true, Want: strings.Repeat("b", 64), Labels: map[string]string{LabelRecipe: strings.Repeat("a", 64)}}
	if p := stale.Problem(); !strings.Contains(p, "aaaaaaaaaaaaaaaa") || !strings.Contains(p, "expects bbbbbbbbbbbbbbbb") {
		t.Errorf("stale: %q", p)
	}
	if p := (Status{Current: true}).Problem(); p != "" {
		t.Errorf("current: %q", p)
	}
}
