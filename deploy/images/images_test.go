package images

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestEmbeddedRecipes(t *testing.T) {
	recipes, err := Recipes()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Recipe{}
	for _, r := range recipes {
		byName[r.Name] = r
	}
	for _, want := range []struct{ image, lang string }{
		{"skillarena/python3", "python3"}, {"skillarena/cpp", "cpp"},
		{"skillarena/go", "go"}, {"skillarena/node", "javascript"},
	} {
		r, ok := byName[want.image]
		if !ok {
			t.Errorf("no recipe for %s", want.image)
			continue
		}
		found := false
		for _, l := range r.Languages {
			found = found || l.ID == want.lang
		}
		if !found {
			t.Errorf("%s does not serve %s", want.image, want.lang)
		}
	}
	py := byName["skillarena/python3"]
	for _, p := range []string{"python3", "python3-numpy", "python3-pandas", "python3-sklearn"} {
		if !strings.Contains(strings.Join(py.Packages, " "), p) {
			t.Errorf("python3 image lacks %s", p)
		}
	}
	langs, err := Languages()
	if err != nil {
		t.Fatal(err)
	}
	if l := langs["cpp"]; l.Image != "skillarena/cpp:latest" || len(l.Compile) == 0 || !strings.Contains(strings.Join(l.Compile, " "), "c++17") && !strings.Contains(strings.Join(l.Compile, " "), "gnu++17") {
		t.Errorf("cpp = %+v", l)
	}
	for _, tt := range []struct{ file, lang string }{
		{"sol.py", "python3"}, {"a/b/Main.CPP", "cpp"}, {"x.cc", "cpp"}, {"main.go", "go"}, {"app.js", "javascript"}, {"README", ""}, {"x.java", ""},
	} {
		l, ok := ForFile(langs, tt.file)
		if ok != (tt.lang != "") || l.ID != tt.lang {
			t.Errorf("ForFile(%q) = %q %v, want %q", tt.file, l.ID, ok, tt.lang)
		}
	}
}

func TestParseRefusesBrokenRecipes(t *testing.T) {
	good := "packages: [python3]\nlanguages:\n  - {id: py, name: Py, extensions: [.py], source: main.py, run: [python3, main.py]}\n"
	tests := []struct {
		name, dir, yaml string
		wants           []string
	}{
		{"good", "py", good, nil},
		{"no languages is fine", "tool", "packages: [sqlite3]\n", nil},
		{"unknown field", "py", good + "colour: red\n", []string{"colour"}},
		{"no packages", "py", "languages: []\n", []string{"py/recipe.yaml: packages: list"}},
		{"bad package", "py", "packages: [Python 3]\n", []string{"packages[0]"}},
		{"bad dir", "Py Thon", good, []string{"not a valid image name"}},
		{"language without run", "py", "packages: [x1]\nlanguages: [{id: py, name: P, extensions: [.py], source: main.py}]\n", []string{"languages.py.run"}},
		{"bad source and ext", "py", "packages: [x1]\nlanguages: [{id: py, name: P, extensions: [py], source: ../main.py, run: [a]}]\n", []string{"languages.py.source", "languages.py.extensions"}},
		{"bad id", "py", "packages: [x1]\nlanguages: [{id: Py, name: P, extensions: [.py], source: m.py, run: [a]}]\n", []string{"languages.Py.id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.dir, []byte(tt.yaml))
			if tt.wants == nil {
				if err != nil || r.Name != Prefix+tt.dir {
					t.Fatalf("got %+v, %v", r, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted %+v", r)
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestReadRefusesClashes(t *testing.T) {
	lang := func(id, ext string) string {
		return "packages: [p1]\nlanguages: [{id: " + id + ", name: X, extensions: [" + ext + "], source: m, run: [x]}]\n"
	}
	_, err := Read(fstest.MapFS{
		"a/recipe.yaml": {Data: []byte(lang("x", ".x"))},
		"b/recipe.yaml": {Data: []byte(lang("x", ".y"))},
		"c/recipe.yaml": {Data: []byte(lang("z", ".y"))},
	})
	if err == nil || !strings.Contains(err.Error(), `"x" is also served by a`) || !strings.Contains(err.Error(), `".y" is also claimed by x`) {
		t.Fatalf("clashes: %v", err)
	}
}
