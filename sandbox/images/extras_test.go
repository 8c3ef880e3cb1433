package images

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	recipes "github.com/skillarena/arena/deploy/images"
)

// tgz makes an npm-style tarball holding files.
func tgz(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func sri(data []byte) string {
	sum := sha512.Sum512(data)
	return "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
}

func TestNPMFilesFromCache(t *testing.T) {
	cache := t.TempDir()
	data := tgz(t, map[string]string{"package/soljson.js": "compiler", "package/README.md": "x"})
	if err := os.MkdirAll(filepath.Join(cache, "npm"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cache, "npm", "solc-9.9.9.tgz"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	n := recipes.NPMFiles{Package: "solc", Version: "9.9.9", Integrity: sri(data), Extract: map[string]string{"package/soljson.js": "/usr/local/lib/solc/soljson.js"}}
	got, err := npmFiles(context.Background(), cache, n, log)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].dest != "/usr/local/lib/solc/soljson.js" || string(got[0].data) != "compiler" {
		t.Fatalf("got %+v", got)
	}

	bad := n
	bad.Integrity = sri([]byte("something else"))
	if _, err := npmFiles(context.Background(), cache, bad, log); err == nil || !strings.Contains(err.Error(), "integrity mismatch") {
		t.Fatalf("a tarball with the wrong hash was used: %v", err)
	}
	missing := n
	missing.Extract = map[string]string{"package/nothing.js": "/x"}
	if _, err := npmFiles(context.Background(), cache, missing, log); err == nil || !strings.Contains(err.Error(), "package/nothing.js") {
		t.Fatalf("a missing file went unnoticed: %v", err)
	}
	t.Setenv("PATH", t.TempDir()) // no npm: an empty cache cannot be filled
	other := n
	other.Version = "1.0.0"
	if _, err := npmFiles(context.Background(), cache, other, log); err == nil || !strings.Contains(err.Error(), "npm pack solc@1.0.0") {
		t.Fatalf("want advice on filling the cache offline, got %v", err)
	}
}

func TestExtrasAndBuildContext(t *testing.T) {
	all, err := Recipes()
	if err != nil {
		t.Fatal(err)
	}
	var sol Recipe
	for _, r := range all {
		if r.Name == "skillarena/solidity" {
			sol = r
		}
	}
	if len(sol.NPM) != 1 || sol.Files["compile.js"] == "" {
		t.Fatalf("solidity recipe = %+v", sol)
	}
	// The recipe's own file is embedded; the npm part is left out here.
	sol.NPM = nil
	es, hash, err := extras(context.Background(), Options{}, sol, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].dest != "/usr/local/lib/solc/compile.js" || !bytes.Contains(es[0].data, []byte("solidity_compile")) || len(hash) != 64 {
		t.Fatalf("extras = %+v %q", es, hash)
	}
	es2, hash2, _ := extras(context.Background(), Options{}, sol, slog.New(slog.DiscardHandler))
	if hash2 != hash || len(es2) != 1 {
		t.Fatal("the extras hash is not stable")
	}
	if _, h, _ := extras(context.Background(), Options{}, Recipe{}, nil); h != "" {
		t.Fatalf("no extras must hash to nothing, got %q", h)
	}
	ctxData, err := buildContext("x/y-base:abc", []byte("runner"), es...)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(ctxData))
	names := map[string]string{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		names[hdr.Name] = string(body)
	}
	df := names["Dockerfile"]
	if !strings.Contains(df, "COPY extra-00-compile.js /usr/local/lib/solc/compile.js") || names["extra-00-compile.js"] == "" {
		t.Fatalf("build context: %v\n%s", names, df)
	}

	// A binary that is not static is refused.
	_, _, err = extras(context.Background(), Options{Binaries: map[string]string{"arena-evm": "/bin/sh"}}, Recipe{recipes.Recipe{Binaries: []string{"arena-evm"}}}, nil)
	if err == nil {
		t.Fatal("a dynamically linked binary was accepted")
	}
}
