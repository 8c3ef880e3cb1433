// Package grader turns a submission and a challenge package into a verdict:
// it builds the sandbox request, runs it, and checks each test's output.
package grader

import (
	"context"
	"fmt"

	"github.com/skillarena/arena/challenges"
	recipes "github.com/skillarena/arena/deploy/images"
	"github.com/skillarena/arena/sandbox/container"
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

// Languages returns the language table, read from the image recipes in
// deploy/images: adding a language is a recipe row and an image.
func Languages() (map[string]Language, error) {
	table, err := recipes.Languages()
	if err != nil {
		return nil, fmt.Errorf("language table: %w", err)
	}
	out := make(map[string]Language, len(table))
	for id, l := range table {
		out[id] = Language{Name: l.Name, Image: l.Image, File: l.Source, Compile: l.Compile, Run: l.Run}
	}
	return out, nil
}

// Sandbox runs one request in an isolated container.
type Sandbox interface {
	Run(ctx context.Context, cfg container.Config, req runner.Request) (runner.Result, error)
}

// Grader grades submissions in a sandbox.
type Grader struct {
	Sandbox   Sandbox
	Languages map[string]Language
	// langErr is why the language table could not be read; every grade
	// then fails as the platform's fault.
	langErr error
}

// New returns a grader over sb with the default language table.
func New(sb Sandbox) *Grader {
	langs, err := Languages()
	return &Grader{Sandbox: sb, Languages: langs, langErr: err}
}

// kindGrader grades one kind of challenge.
type kindGrader func(g *Grader, ctx context.Context, pkg *challenges.Package, lang string, source []byte) (verdict.Result, error)

// kinds maps a challenge kind to its grader, each in a file of its own.
var kinds = map[string]kindGrader{
	challenges.KindProgram:     (*Grader).gradeProgram,
	challenges.KindPredictions: (*Grader).gradePredictions,
	challenges.KindSQL:         (*Grader).gradeSQL,
	challenges.KindCustom:      (*Grader).gradeCustom,
	challenges.KindEVM:         (*Grader).gradeEVM,
}

// Grade grades source, written in lang, against pkg. An error means the
// platform failed (the job is retried); everything the submission did is in
// the result.
func (g *Grader) Grade(ctx context.Context, pkg *challenges.Package, lang string, source []byte) (verdict.Result, error) {
	if g.langErr != nil {
		return verdict.Result{}, g.langErr
	}
	grade, ok := kinds[pkg.Spec.Kind]
	if !ok {
		return verdict.Result{}, fmt.Errorf("grade %s: no grader for kind %q", pkg.Spec.ID, pkg.Spec.Kind)
	}
	res, err := grade(g, ctx, pkg, lang, source)
	if err != nil {
		return res, err
	}
	// Every message, whoever wrote it (a compiler, SQLite, a package's
	// checker), has one bound.
	res.Message = verdict.Clip(res.Message, verdict.MaxMessage)
	for i := range res.Tests {
		res.Tests[i].Message = verdict.Clip(res.Tests[i].Message, verdict.MaxMessage)
		res.Tests[i].Detail = verdict.Clip(res.Tests[i].Detail, verdict.MaxMessage)
	}
	return res, nil
}
