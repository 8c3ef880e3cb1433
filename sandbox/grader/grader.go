// Package grader turns a submission and a challenge package into a verdict:
// it builds the sandbox request, runs it, and checks each test's output.
package grader

import (
	"context"
	"fmt"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/images"
	"github.com/skillarena/arena/sandbox/runner"
	"github.com/skillarena/arena/sandbox/verdict"
)

// Language says how to build and run one programming language.
type Language struct {
	Name  string
	Image string
	// File is the name the source is saved under in the work dir.
	File    string
	Compile []string // empty for interpreted languages
	Run     []string
}

// Languages returns the language table, read from the image recipes: adding a
// language is a row in sandbox/images.
func Languages() map[string]Language {
	out := map[string]Language{}
	for _, r := range images.Recipes() {
		for _, l := range r.Languages {
			out[l.ID] = Language{Name: l.ID, Image: r.Ref(), File: l.Source, Compile: l.Compile, Run: l.Run}
		}
	}
	return out
}

// Sandbox runs one request in an isolated container.
type Sandbox interface {
	Run(ctx context.Context, cfg container.Config, req runner.Request) (runner.Result, error)
}

// Grader grades submissions in a sandbox.
type Grader struct {
	Sandbox   Sandbox
	Languages map[string]Language
}

// New returns a grader over sb with the default language table.
func New(sb Sandbox) *Grader { return &Grader{Sandbox: sb, Languages: Languages()} }

// kindGrader grades one kind of challenge.
type kindGrader func(g *Grader, ctx context.Context, pkg *challenges.Package, lang string, source []byte) (verdict.Result, error)

// kinds maps a challenge kind to its grader, each in a file of its own.
var kinds = map[string]kindGrader{
	challenges.KindProgram: (*Grader).gradeProgram,
}

// Grade grades source, written in lang, against pkg. An error means the
// platform failed (the job is retried); everything the submission did is in
// the result.
func (g *Grader) Grade(ctx context.Context, pkg *challenges.Package, lang string, source []byte) (verdict.Result, error) {
	grade, ok := kinds[pkg.Spec.Kind]
	if !ok {
		return verdict.Result{}, fmt.Errorf("grade %s: no grader for kind %q", pkg.Spec.ID, pkg.Spec.Kind)
	}
	return grade(g, ctx, pkg, lang, source)
}
