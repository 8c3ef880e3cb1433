package challenges

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadHello(t *testing.T) {
	fsys, err := Example("hello")
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if pkg.Spec.ID != "hello" || pkg.Spec.Kind != KindProgram || len(pkg.Tests) < 3 {
		t.Fatalf("hello: %+v with %d tests", pkg.Spec, len(pkg.Tests))
	}
	if pkg.Statements["zh"] == "" || pkg.Statements["en"] == "" {
		t.Fatal("hello needs zh and en statements")
	}
	for _, want := range []string{"accepted", "wrong_answer", "time_limit"} {
		if len(pkg.Solutions[want]) == 0 {
			t.Errorf("hello has no %s reference solution", want)
		}
	}
}

func TestLoadRefusesBrokenPackages(t *testing.T) {
	good := "id: x\ntitle: {en: X}\ncategory: data\nkind: program\npoints: 10\nlanguages: [python3]\n"
	files := func(yaml string, extra map[string]string) fstest.MapFS {
		m := fstest.MapFS{
			"challenge.yaml":     {Data: []byte(yaml)},
			"statement.md":       {Data: []byte("# X")},
			"hidden/tests/1.in":  {Data: []byte("1\n")},
			"hidden/tests/1.ans": {Data: []byte("1\n")},
		}
		for k, v := range extra {
			if v == "" {
				delete(m, k)
			} else {
				m[k] = &fstest.MapFile{Data: []byte(v)}
			}
		}
		return m
	}
	tests := []struct {
		name  string
		fsys  fstest.MapFS
		wants []string
	}{
		{"bad id", files(strings.Replace(good, "id: x", "id: X Y", 1), nil), []string{"challenge.yaml: id:"}},
		{"bad category and points", files(strings.NewReplacer("category: data", "category: art", "points: 10", "points: -1").Replace(good), nil),
			[]string{"challenge.yaml: category:", "challenge.yaml: points:"}},
		{"unknown field", files(good+"colour: red\n", nil), []string{"colour"}},
		{"unknown kind", files(strings.Replace(good, "kind: program", "kind: magic", 1), nil), []string{"challenge.yaml: kind:"}},
		{"bad limits", files(good+"limits: {time_ms: 0, memory_mb: 1, output_kb: 1}\n", nil), []string{"limits.time_ms", "limits.memory_mb"}},
		{"no statement", files(good, map[string]string{"statement.md": ""}), []string{"statement.md: statement: missing"}},
		{"answer without input", files(good, map[string]string{"hidden/tests/2.ans": "2"}), []string{"hidden/tests/2.ans: input: no matching 2.in"}},
		{"input without answer", files(good, map[string]string{"hidden/tests/3.in": "3"}), []string{"hidden/tests/3.in: answer: no matching 3.ans"}},
		{"no tests", files(good, map[string]string{"hidden/tests/1.in": "", "hidden/tests/1.ans": ""}), []string{"hidden/tests: tests:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkg, err := Load(tt.fsys)
			if err == nil {
				t.Fatalf("loaded a broken package: %+v", pkg.Spec)
			}
			if pkg != nil {
				t.Fatal("a broken package must not be half loaded")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	if _, err := Load(files(good, nil)); err != nil {
		t.Fatalf("the good package is refused: %v", err)
	}
}

func TestCheckers(t *testing.T) {
	tests := []struct {
		checker, out, ans string
		ok                bool
	}{
		{"exact", "Hello, A!\n", "Hello, A!\n", true},
		{"exact", "Hello, A!", "Hello, A!\n", true},
		{"exact", "Hello, A!  \r\n\n", "Hello, A!\n", true},
		{"exact", "Hello,  A!\n", "Hello, A!\n", false},
		{"exact", "", "x\n", false},
		{"exact", "x\ny\n", "x\n", false},
		{"tokens", "1   2\n3", "1 2 3\n", true},
		{"tokens", "1 2", "1 2 3", false},
		{"tokens", "1 2 4", "1 2 3", false},
	}
	for _, tt := range tests {
		ok, msg := Checkers[tt.checker]([]byte(tt.out), []byte(tt.ans))
		if ok != tt.ok {
			t.Errorf("%s(%q, %q) = %v (%s), want %v", tt.checker, tt.out, tt.ans, ok, msg, tt.ok)
		}
		if !ok && msg == "" {
			t.Errorf("%s(%q, %q): a rejection needs a message", tt.checker, tt.out, tt.ans)
		}
	}
}

func TestArchiveRoundTrip(t *testing.T) {
	fsys, _ := Example("hello")
	a1, err := Archive(fsys)
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := Archive(fsys)
	if string(a1) != string(a2) {
		t.Fatal("archives of the same package differ")
	}
	dir := t.TempDir()
	if err := Unpack(a1, dir); err != nil {
		t.Fatal(err)
	}
	if err := Unpack([]byte("not a gzip"), t.TempDir()); err == nil {
		t.Fatal("garbage unpacked without error")
	}
}

func TestUnpackRefusesEscapingPaths(t *testing.T) {
	for _, name := range []string{"../evil.txt", "a/../../evil.txt", "/etc/evil.txt"} {
		var buf bytes.Buffer
		gz := gzip.NewWriter(&buf)
		tw := tar.NewWriter(gz)
		_ = tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: 4})
		_, _ = tw.Write([]byte("evil"))
		_ = tw.Close()
		_ = gz.Close()
		root := t.TempDir()
		dir := filepath.Join(root, "pkg")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		err := Unpack(buf.Bytes(), dir)
		if err == nil || !strings.Contains(err.Error(), "escapes") {
			t.Errorf("%s: err = %v, want a refusal", name, err)
		}
		if _, err := os.Stat(filepath.Join(root, "evil.txt")); err == nil {
			t.Errorf("%s: a file was written outside the package", name)
		}
	}
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	_ = tw.WriteHeader(&tar.Header{Name: "link", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"})
	_ = tw.Close()
	_ = gz.Close()
	if err := Unpack(buf.Bytes(), t.TempDir()); err == nil {
		t.Error("a symlink was unpacked")
	}
}
