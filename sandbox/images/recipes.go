// Package images builds the SkillArena sandbox images offline: a Debian root
// file system made by mmdebstrap from a mirror (no registry needed), imported
// into the Docker engine, with the static arena-runner binary added on top.
//
// Each image is a row of the recipe table; adding a language is adding a row.
package images

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
)

// Labels the built images carry.
const (
	// LabelRecipe holds the recipe hash the image was built from.
	LabelRecipe = "skillarena.recipe"
	// LabelRunner holds the SHA-256 of the arena-runner binary inside.
	LabelRunner = "skillarena.runner.sha256"
)

// RunnerInImage is where the runner binary lives inside every sandbox image.
const RunnerInImage = "/usr/local/bin/arena-runner"

// DefaultSuite is the Debian release the images are built from.
const DefaultSuite = "bookworm"

// recipeFormat is part of every recipe hash: bump it when the way images are
// built changes, so existing images are rebuilt.
const recipeFormat = 1

// Language is one submission language an image serves: how a submission is
// stored in the work directory, compiled and run.
type Language struct {
	ID      string   // as contest packages and submissions name it, e.g. "python3"
	Source  string   // file name the submission is written to, e.g. "main.py"
	Compile []string // compile command; nil for interpreted languages
	Run     []string // run command
}

// Recipe is one sandbox image: a Debian base with Packages installed.
type Recipe struct {
	Name      string   // image repository, e.g. "skillarena/python3"; the image is Name:latest
	Packages  []string // Debian packages on top of the essential set
	Languages []Language
}

// Recipes is the table of sandbox images. It returns a fresh copy each time.
func Recipes() []Recipe {
	return []Recipe{
		{
			Name: "skillarena/python3",
			// The full interpreter, not python3-minimal: contestants expect
			// json, decimal, fractions, dataclasses and the rest of the stdlib.
			Packages: []string{"python3"},
			Languages: []Language{
				{ID: "python3", Source: "main.py", Run: []string{"python3", "main.py"}},
			},
		},
	}
}

// Lookup finds the recipe of the image called name ("skillarena/python3").
func Lookup(name string) (Recipe, bool) {
	for _, r := range Recipes() {
		if r.Name == name {
			return r, true
		}
	}
	return Recipe{}, false
}

// ForLanguage finds the image serving a language and how to run it.
func ForLanguage(id string) (Recipe, Language, bool) {
	for _, r := range Recipes() {
		for _, l := range r.Languages {
			if l.ID == id {
				return r, l, true
			}
		}
	}
	return Recipe{}, Language{}, false
}

// Ref is the reference of the built image called name: "name:latest".
func Ref(name string) string { return name + ":latest" }

// Ref is the reference of the recipe's built image.
func (r Recipe) Ref() string { return Ref(r.Name) }

// Hash identifies what goes into the recipe's base file system: its
// packages, the Debian suite and the build format. It does not include the
// mirror, so the same image comes out of any mirror of the suite.
func (r Recipe) Hash(suite string) string {
	pkgs := slices.Clone(r.Packages)
	slices.Sort(pkgs)
	data, _ := json.Marshal(struct {
		Format   int      `json:"format"`
		Name     string   `json:"name"`
		Suite    string   `json:"suite"`
		Variant  string   `json:"variant"`
		Packages []string `json:"packages"`
		Excludes []string `json:"excludes"`
	}{recipeFormat, r.Name, suite, variant, pkgs, dpkgExcludes})
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// BaseRef is the reference of the imported base file system:
// "<name>-base:<first 16 hex digits of the recipe hash>".
func (r Recipe) BaseRef(suite string) string {
	return r.Name + "-base:" + r.Hash(suite)[:16]
}
