package images

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRecipes(t *testing.T) {
	seen := map[string]bool{}
	langs := map[string]bool{}
	for _, r := range Recipes() {
		if r.Name == "" || len(r.Packages) == 0 || len(r.Languages) == 0 {
			t.Errorf("incomplete recipe %+v", r)
		}
		if seen[r.Name] {
			t.Errorf("recipe %s twice", r.Name)
		}
		seen[r.Name] = true
		for _, l := range r.Languages {
			if l.ID == "" || l.Source == "" || len(l.Run) == 0 || langs[l.ID] {
				t.Errorf("bad or duplicate language %+v", l)
			}
			langs[l.ID] = true
		}
	}
	r, l, ok := ForLanguage("python3")
	if !ok || r.Ref() != "skillarena/python3:latest" || l.Run[0] != "python3" {
		t.Errorf("ForLanguage(python3) = %+v %+v %v", r, l, ok)
	}
	if _, _, ok := ForLanguage("cobol"); ok {
		t.Error("ForLanguage(cobol) found something")
	}
	if Ref("skillarena/python3") != "skillarena/python3:latest" {
		t.Error("Ref")
	}
	// Recipes hands out copies: changing one does not change the table.
	Recipes()[0].Packages[0] = "changed"
	if Recipes()[0].Packages[0] == "changed" {
		t.Error("Recipes shares its table")
	}
}

func TestRecipeHash(t *testing.T) {
	a := Recipe{Name: "x/y", Packages: []string{"b", "a"}}
	b := Recipe{Name: "x/y", Packages: []string{"a", "b"}}
	c := Recipe{Name: "x/y", Packages: []string{"a", "b", "c"}}
	if a.Hash("bookworm") != b.Hash("bookworm") {
		t.Error("package order changes the hash")
	}
	if a.Hash("bookworm") == c.Hash("bookworm") || a.Hash("bookworm") == a.Hash("trixie") {
		t.Error("hash ignores packages or suite")
	}
	if ref := a.BaseRef("bookworm"); !strings.HasPrefix(ref, "x/y-base:") || len(ref) != len("x/y-base:")+16 {
		t.Errorf("BaseRef = %q", ref)
	}
}

func TestSelectRecipes(t *testing.T) {
	all, err := selectRecipes(nil)
	if err != nil || len(all) != len(Recipes()) {
		t.Fatalf("all: %v %v", all, err)
	}
	one, err := selectRecipes([]string{"skillarena/python3:latest"})
	if err != nil || len(one) != 1 || one[0].Name != "skillarena/python3" {
		t.Fatalf("one: %v %v", one, err)
	}
	if _, err := selectRecipes([]string{"skillarena/nope"}); err == nil || !strings.Contains(err.Error(), "skillarena/python3") {
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
