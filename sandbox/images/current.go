package images

import (
	"context"
	"fmt"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/client"
)

// ArenaImage is the recipe name of the image that runs arena itself (not a
// sandbox: judges do not need it).
const ArenaImage = "skillarena/arena"

// Status says whether the image of one recipe on a Docker engine is current
// for that recipe.
type Status struct {
	// Image is the image reference, e.g. "skillarena/sqlite:latest".
	Image string `json:"image"`
	// Name is the recipe name, e.g. "skillarena/sqlite".
	Name string `json:"name"`
	// Present is true when the engine has the image.
	Present bool `json:"present"`
	// Current is true when the image carries the recipe hash this binary's
	// recipe expects (made offline or from the registry).
	Current bool `json:"current"`
	// Want is the recipe hash this binary expects (the offline path).
	Want string `json:"want"`
	// Labels are the image's SkillArena labels (recipe, runner, extras).
	Labels map[string]string `json:"labels,omitempty"`
	// ID and Size are the engine's image ID and size.
	ID   string `json:"id,omitempty"`
	Size int64  `json:"size,omitempty"`
}

// Problem says what is wrong with the image and how to fix it; "" when it
// is current.
func (s Status) Problem() string {
	short := strings.TrimPrefix(s.Name, "skillarena/")
	switch {
	case s.Current:
		return ""
	case !s.Present:
		return fmt.Sprintf("%s is not on this Docker engine (build it: arena images build %s, or load a bundle: arena images load FILE)", s.Image, short)
	default:
		return fmt.Sprintf("%s is not current for its recipe: it carries recipe %s, this arena expects %s (rebuild it: arena images build %s, or load a bundle saved by this arena version)",
			s.Image, shortHash(s.Labels[LabelRecipe]), shortHash(s.Want), short)
	}
}

// shortHash is the first 16 hex digits of a recipe hash, or "none".
func shortHash(h string) string {
	if h == "" {
		return "none"
	}
	if len(h) > 16 {
		return h[:16]
	}
	return h
}

// IsCurrent reports whether label, an image's LabelRecipe, is this recipe's
// hash for suite, made by either path (mmdebstrap or the registry).
func (r Recipe) IsCurrent(label, suite string) bool {
	return label != "" && (label == r.Hash(suite) || label == r.hashFor(suite, registryVariant(suite)))
}

// Check inspects the image of every recipe in rs on the engine and says
// whether each is current for its recipe (DefaultSuite). It is the check
// the judge runs at start-up and the one image bundles are saved and
// loaded against. A missing image is a Status, not an error.
func Check(ctx context.Context, cli *client.Client, rs []Recipe) ([]Status, error) {
	out := make([]Status, 0, len(rs))
	for _, r := range rs {
		st := Status{Image: r.Ref(), Name: r.Name, Want: r.Hash(DefaultSuite)}
		img, err := cli.ImageInspect(ctx, r.Ref())
		switch {
		case cerrdefs.IsNotFound(err):
		case err != nil:
			return out, fmt.Errorf("check image %s: %w", r.Ref(), err)
		default:
			st.Present, st.ID, st.Size = true, img.ID, img.Size
			st.Labels = map[string]string{}
			if img.Config != nil {
				for _, l := range []string{LabelRecipe, LabelRunner, LabelExtras} {
					if v, ok := img.Config.Labels[l]; ok {
						st.Labels[l] = v
					}
				}
			}
			st.Current = r.IsCurrent(st.Labels[LabelRecipe], DefaultSuite)
		}
		out = append(out, st)
	}
	return out, nil
}

// SandboxRecipes is the recipe table without the arena image: the images a
// judge grades in.
func SandboxRecipes() ([]Recipe, error) {
	all, err := Recipes()
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, r := range all {
		if r.Name != ArenaImage {
			out = append(out, r)
		}
	}
	return out, nil
}
