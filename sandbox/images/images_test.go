package images

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRecipes(t *testing.T) {
	all, err := Recipes()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range all {
		if r.Name == "" || len(r.Packages) == 0 && len(r.Binaries) == 0 {
			t.Errorf("incomplete recipe %+v", r)
		}
		if seen[r.Name] {
			t.Errorf("recipe %s twice", r.Name)
		}
		seen[r.Name] = true
	}
	for _, want := range []struct{ lang, image, run string }{
		{"python3", "skillarena/python3:latest", "python3"},
		{"cpp", "skillarena/cpp:latest", "./main"},
		{"go", "skillarena/go:latest", "./main"},
		{"javascript", "skillarena/node:latest", "node"},
	} {
		r, l, ok, err := ForLanguage(want.lang)
		if err != nil || !ok || r.Ref() != want.image || l.Run[0] != want.run {
			t.Errorf("ForLanguage(%s) = %+v %+v %v %v", want.lang, r, l, ok, err)
		}
	}
	if _, _, ok, err := ForLanguage("cobol"); ok || err != nil {
		t.Errorf("ForLanguage(cobol) found something: %v", err)
	}
	if Ref("skillarena/python3") != "skillarena/python3:latest" {
		t.Error("Ref")
	}
	// Recipes hands out copies: changing one does not change the table.
	all[0].Packages[0] = "changed"
	again, _ := Recipes()
	if again[0].Packages[0] == "changed" {
		t.Error("Recipes shares its table")
	}
}

func TestRecipeHash(t *testing.T) {
	recipe := func(pkgs ...string) Recipe {
		var r Recipe
		r.Name, r.Packages = "x/y", pkgs
		return r
	}
	a, b, c := recipe("b", "a"), recipe("a", "b"), recipe("a", "b", "c")
	if a.Hash("bookworm") != b.Hash("bookworm") {
		t.Error("package order changes the hash")
	}
	if a.Hash("bookworm") == c.Hash("bookworm") || a.Hash("bookworm") == a.Hash("trixie") {
		t.Error("hash ignores packages or suite")
	}
	if a.Hash("bookworm") == a.hashFor("bookworm", registryVariant("bookworm")) {
		t.Error("the offline and registry paths share a hash")
	}
	if ref := a.BaseRef("bookworm"); !strings.HasPrefix(ref, "x/y-base:") || len(ref) != len("x/y-base:")+16 {
		t.Errorf("BaseRef = %q", ref)
	}
}

func TestSelectRecipes(t *testing.T) {
	all, err := selectRecipes(nil)
	table, _ := Recipes()
	if err != nil || len(all) != len(table) {
		t.Fatalf("all: %v %v", all, err)
	}
	one, err := selectRecipes([]string{"skillarena/python3:latest"})
	if err != nil || len(one) != 1 || one[0].Name != "skillarena/python3" {
		t.Fatalf("one: %v %v", one, err)
	}
	if _, err := selectRecipes([]string{"skillarena/nope"}); err == nil || !strings.Contains(err.Error(), "skillarena/python3") || !strings.Contains(err.Error(), "skillarena/cpp") {
		t.Fatalf("unknown: %v", err)
	}
}

func TestMirror(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"deb822 with security first", map[string]string{
			"sources.list.d/debian.sources": `Types: deb
# a comment
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main

Types: deb deb-src
URIs: http://mirror.example/debian
 http://other.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`}, "http://mirror.example/debian"},
		{"deb822 disabled stanza", map[string]string{
			"sources.list.d/a.sources": "Enabled: no\nTypes: deb\nURIs: http://off.example/\nSuites: bookworm\n\nTypes: deb\nURIs: http://on.example/\nSuites: bookworm\n",
		}, "http://on.example/"},
		{"sources.list with options", map[string]string{
			"sources.list": "# deb http://commented/ bookworm main\ndeb-src http://src/ bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] http://list.example/debian bookworm main\n",
		}, "http://list.example/debian"},
		{"list.d", map[string]string{
			"sources.list.d/x.list": "deb http://d.example/debian bookworm main contrib\n",
		}, "http://d.example/debian"},
		{"other suite only", map[string]string{
			"sources.list": "deb http://x/ trixie main\n",
		}, ""},
		{"nothing", map[string]string{}, ""},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "sources.list.d"), 0o755); err != nil {
			t.Fatal(err)
		}
		for name, body := range tt.files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := mirrorFrom(dir, "bookworm")
		if tt.want == "" {
			if err == nil || !strings.Contains(err.Error(), "no Debian mirror") {
				t.Errorf("%s: got %q, %v; want a clear error", tt.name, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestCheckStatic(t *testing.T) {
	text := filepath.Join(t.TempDir(), "script")
	if err := os.WriteFile(text, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := CheckStatic(text); err == nil || !strings.Contains(err.Error(), "not an ELF") {
		t.Errorf("script: %v", err)
	}
	if err := CheckStatic(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing file: no error")
	}
	if _, err := os.Stat("/bin/sh"); err == nil {
		if err := CheckStatic("/bin/sh"); err == nil || !strings.Contains(err.Error(), "CGO_ENABLED=0") {
			t.Errorf("/bin/sh (dynamic): %v", err)
		}
	}
}

func TestBuildContext(t *testing.T) {
	data, err := buildContext("x/y-base:abc", []byte("binary"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, want := range []string{"FROM x/y-base:abc", "COPY arena-runner " + RunnerInImage, "USER 65534:65534", "WORKDIR /work", "binary"} {
		if !strings.Contains(s, want) {
			t.Errorf("build context lacks %q", want)
		}
	}
}

func TestRegistryDockerfile(t *testing.T) {
	df := registryDockerfile("bookworm", []string{"g++", "python3"})
	for _, want := range []string{"FROM debian:bookworm-slim", "apt-get install -y --no-install-recommends g++ python3",
		"'path-exclude=/usr/share/doc/*'", "rm -rf /var/lib/apt/lists/*"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q:\n%s", want, df)
		}
	}
	if got := shellQuoteAll([]string{"a b", "it's"}); got != `'a b' 'it'\''s'` {
		t.Errorf("shellQuoteAll = %s", got)
	}
}
