// Package images builds the SkillArena sandbox images offline: a Debian root
// file system made by mmdebstrap from a mirror (no registry needed), imported
// into the Docker engine, with the static arena-runner binary added on top.
//
// Each image is a recipe under deploy/images (package
// github.com/skillarena/arena/deploy/images, embedded in the binary); adding
// a language is a recipe row and an image.
package images

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"

	recipes "github.com/skillarena/arena/deploy/images"
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
type Language = recipes.Language

// Recipe is one sandbox image: a Debian base with Packages installed, read
// from deploy/images/<dir>/recipe.yaml.
type Recipe struct {
	recipes.Recipe
}

// Recipes reads the table of sandbox images from the recipes embedded from
// deploy/images. It returns a fresh copy each time.
func Recipes() ([]Recipe, error) {
	rs, err := recipes.Recipes()
	if err != nil {
		return nil, err
	}
	out := make([]Recipe, len(rs))
	for i, r := range rs {
		out[i] = Recipe{r}
	}
	return out, nil
}

// ForLanguage finds the image serving a language and how to run it.
func ForLanguage(id string) (Recipe, Language, bool, error) {
	all, err := Recipes()
	if err != nil {
		return Recipe{}, Language{}, false, err
	}
	for _, r := range all {
		for _, l := range r.Languages {
			if l.ID == id {
				return r, l, true, nil
			}
		}
	}
	return Recipe{}, Language{}, false, nil
}

// Ref is the reference of the built image called name: "name:latest".
func Ref(name string) string { return name + ":latest" }

// Hash identifies what goes into the recipe's base file system made with
// mmdebstrap: its packages, the Debian suite and the build format. It does
// not include the mirror, so the same image comes out of any mirror of the
// suite.
func (r Recipe) Hash(suite string) string { return r.hashFor(suite, variant) }

// hashFor is Hash for a base made by method: the mmdebstrap variant, or
// registryVariant for the registry path.
func (r Recipe) hashFor(suite, method string) string {
	pkgs := slices.Clone(r.Packages)
	slices.Sort(pkgs)
	data, _ := json.Marshal(struct {
		Format   int      `json:"format"`
		Name     string   `json:"name"`
		Suite    string   `json:"suite"`
		Variant  string   `json:"variant"`
		Packages []string `json:"packages"`
		Excludes []string `json:"excludes"`
	}{recipeFormat, r.Name, suite, method, pkgs, dpkgExcludes})
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// BaseRef is the reference of the imported base file system:
// "<name>-base:<first 16 hex digits of the recipe hash>".
func (r Recipe) BaseRef(suite string) string {
	return r.Name + "-base:" + r.Hash(suite)[:16]
}
