// Package images holds the SkillArena sandbox image recipes: one directory
// per image under deploy/images, each with a recipe.yaml that lists the
// Debian packages of the image and the submission languages it serves. The
// recipes are embedded into the arena binary; sandbox/images builds them and
// the grader reads its language table from them, so adding a language is a
// recipe (or a row in one) and an image.
package images

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed */recipe.yaml solidity/compile.js
var recipeFiles embed.FS

// Prefix is put before a recipe's directory name to name its image:
// deploy/images/cpp builds skillarena/cpp.
const Prefix = "skillarena/"

// Language is one submission language an image serves: the file a
// submission is written to in the work directory, and how it is compiled
// and run there.
type Language struct {
	// ID is how challenge packages and submissions name the language, e.g. "python3".
	ID string `yaml:"id" json:"id"`
	// Name is shown to people, e.g. "C++17 (g++)".
	Name string `yaml:"name" json:"name"`
	// Extensions are the file name endings that identify a source file in
	// this language (with the dot), e.g. [".cpp", ".cc"].
	Extensions []string `yaml:"extensions" json:"extensions"`
	// Source is the file name the submission is saved under, e.g. "main.cpp".
	Source string `yaml:"source" json:"source"`
	// Compile is the compile command; empty for interpreted languages.
	Compile []string `yaml:"compile" json:"compile,omitempty"`
	// Run is the command that runs the program once per test.
	Run []string `yaml:"run" json:"run"`
}

// Recipe is one sandbox image: a Debian base with Packages installed.
type Recipe struct {
	// Name is the image repository, Prefix + the recipe's directory name;
	// the image is Name:latest.
	Name string `yaml:"-" json:"name"`
	// Dir is the recipe's directory under deploy/images.
	Dir string `yaml:"-" json:"dir"`
	// Description says what is in the image.
	Description string `yaml:"description" json:"description"`
	// Packages are the Debian packages installed on top of the essential set.
	Packages []string `yaml:"packages" json:"packages"`
	// Languages are the submission languages the image serves; an image
	// used by a grader itself (not by submissions) may have none.
	Languages []Language `yaml:"languages" json:"languages,omitempty"`
	// Binaries are static programs of this repository the image carries
	// in /usr/local/bin beside the runner, e.g. [arena-evm]; deploy/build.sh
	// builds them into bin/. An image with binaries may list no packages.
	Binaries []string `yaml:"binaries" json:"binaries,omitempty"`
	// Files are files of the recipe's directory put into the image: file
	// name → absolute path in the image.
	Files map[string]string `yaml:"files" json:"files,omitempty"`
	// NPM are files taken from npm package tarballs, kept in the build
	// cache so that images build offline.
	NPM []NPMFiles `yaml:"npm" json:"npm,omitempty"`
}

// NPMFiles are files taken from one npm package tarball.
type NPMFiles struct {
	// Package and Version name the tarball, e.g. solc 0.8.37.
	Package string `yaml:"package" json:"package"`
	Version string `yaml:"version" json:"version"`
	// Integrity is the registry's SRI hash of the tarball ("sha512-…"),
	// checked before anything is taken from it.
	Integrity string `yaml:"integrity" json:"integrity"`
	// Extract maps a path in the tarball ("package/soljson.js") to an
	// absolute path in the image.
	Extract map[string]string `yaml:"extract" json:"extract"`
}

// FS returns the embedded recipe files: <dir>/recipe.yaml for each image.
func FS() fs.FS { return recipeFiles }

// Recipes reads every embedded recipe, sorted by name, and checks them
// together: no language served twice.
func Recipes() ([]Recipe, error) {
	return Read(recipeFiles)
}

// Read reads the recipes <dir>/recipe.yaml in fsys, as Recipes does with
// the embedded ones.
func Read(fsys fs.FS) ([]Recipe, error) {
	paths, err := fs.Glob(fsys, "*/recipe.yaml")
	if err != nil {
		return nil, fmt.Errorf("image recipes: %w", err)
	}
	sort.Strings(paths)
	var out []Recipe
	var problems []string
	langs := map[string]string{}
	exts := map[string]string{}
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("image recipes: %w", err)
		}
		r, err := Parse(path.Dir(p), data)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		for _, l := range r.Languages {
			if other, ok := langs[l.ID]; ok {
				problems = append(problems, fmt.Sprintf("%s: languages: %q is also served by %s", p, l.ID, other))
			}
			langs[l.ID] = r.Dir
			for _, e := range l.Extensions {
				if other, ok := exts[e]; ok {
					problems = append(problems, fmt.Sprintf("%s: languages.%s.extensions: %q is also claimed by %s", p, l.ID, e, other))
				}
				exts[e] = l.ID
			}
		}
		out = append(out, r)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("image recipes:\n%s", strings.Join(problems, "\n"))
	}
	return out, nil
}

var (
	dirRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	idRE   = regexp.MustCompile(`^[a-z][a-z0-9+_-]*$`)
	pkgRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)
	fileRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)
	extRE  = regexp.MustCompile(`^\.[A-Za-z0-9+]+$`)
)

// Parse reads one recipe.yaml from the directory dir and validates it,
// naming every problem as "dir/recipe.yaml: field: what is wrong".
func Parse(dir string, data []byte) (Recipe, error) {
	file := dir + "/recipe.yaml"
	var r Recipe
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return Recipe{}, fmt.Errorf("%s: %w", file, err)
	}
	r.Dir = dir
	r.Name = Prefix + dir
	var probs []string
	add := func(field, format string, args ...any) {
		probs = append(probs, fmt.Sprintf("%s: %s: %s", file, field, fmt.Sprintf(format, args...)))
	}
	if !dirRE.MatchString(dir) {
		add("name", "directory %q is not a valid image name (lower-case letters, digits, . _ -)", dir)
	}
	if len(r.Packages) == 0 && len(r.Binaries) == 0 {
		add("packages", "list at least one Debian package")
	}
	for i, b := range r.Binaries {
		if !fileRE.MatchString(b) {
			add(fmt.Sprintf("binaries[%d]", i), "%q is not a plain file name", b)
		}
	}
	for name, dest := range r.Files {
		if !fileRE.MatchString(name) || !path.IsAbs(dest) || path.Clean(dest) != dest {
			add("files."+name, "want a file of the recipe directory mapped to an absolute path in the image, got %q: %q", name, dest)
		}
	}
	for i, n := range r.NPM {
		f := fmt.Sprintf("npm[%d]", i)
		if n.Package == "" || n.Version == "" || !strings.HasPrefix(n.Integrity, "sha512-") || len(n.Extract) == 0 {
			add(f, "give package, version, integrity (sha512-…) and extract")
		}
		for from, dest := range n.Extract {
			if !path.IsAbs(dest) || path.Clean(dest) != dest || from == "" {
				add(f+".extract", "want a tarball path mapped to an absolute path in the image, got %q: %q", from, dest)
			}
		}
	}
	for i, p := range r.Packages {
		if !pkgRE.MatchString(p) {
			add(fmt.Sprintf("packages[%d]", i), "%q is not a Debian package name", p)
		}
	}
	seen := map[string]bool{}
	for i, l := range r.Languages {
		f := fmt.Sprintf("languages[%d]", i)
		if l.ID != "" {
			f = "languages." + l.ID
		}
		switch {
		case !idRE.MatchString(l.ID):
			add(f+".id", "%q is not a language id (lower-case letter, then letters, digits, + _ -)", l.ID)
		case seen[l.ID]:
			add(f+".id", "%q given twice", l.ID)
		}
		seen[l.ID] = true
		if l.Name == "" {
			add(f+".name", "missing")
		}
		if !fileRE.MatchString(l.Source) {
			add(f+".source", "%q is not a plain file name", l.Source)
		}
		if len(l.Run) == 0 || slices.Contains(l.Run, "") {
			add(f+".run", "give the command that runs the program, e.g. [./main]")
		}
		if slices.Contains(l.Compile, "") {
			add(f+".compile", "has an empty word")
		}
		if len(l.Extensions) == 0 {
			add(f+".extensions", "list the file name endings of this language, e.g. [.py]")
		}
		for _, e := range l.Extensions {
			if !extRE.MatchString(e) {
				add(f+".extensions", "%q is not a file name ending like .cpp", e)
			}
		}
	}
	if len(probs) > 0 {
		return Recipe{}, fmt.Errorf("%s", strings.Join(probs, "\n"))
	}
	return r, nil
}

// Ref is the reference of the recipe's built image: "Name:latest".
func (r Recipe) Ref() string { return r.Name + ":latest" }

// Languages returns every language the recipes serve, by id, each with the
// image that serves it.
func Languages() (map[string]ImageLanguage, error) {
	recipes, err := Recipes()
	if err != nil {
		return nil, err
	}
	out := map[string]ImageLanguage{}
	for _, r := range recipes {
		for _, l := range r.Languages {
			out[l.ID] = ImageLanguage{Language: l, Image: r.Ref()}
		}
	}
	return out, nil
}

// ImageLanguage is a language together with the image that serves it.
type ImageLanguage struct {
	Language
	// Image is the image reference, e.g. "skillarena/python3:latest".
	Image string `json:"image"`
}

// ForFile returns the language whose extensions include the file name's
// ending (Read makes sure no two languages share one).
func ForFile(langs map[string]ImageLanguage, name string) (ImageLanguage, bool) {
	ext := strings.ToLower(path.Ext(name))
	if ext == "" {
		return ImageLanguage{}, false
	}
	for _, l := range langs {
		if slices.Contains(l.Extensions, ext) {
			return l, true
		}
	}
	return ImageLanguage{}, false
}
