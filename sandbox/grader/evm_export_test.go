package grader

import (
	"context"
	"errors"

	"github.com/skillarena/arena/challenges"
)

// CompileSolidity exposes the Solidity step to the integration tests: it
// compiles source in the solidity image and returns the init code of
// contract, or an error with the compiler's message.
func CompileSolidity(ctx context.Context, g *Grader, pkg *challenges.Package, contract string, source []byte) ([]byte, error) {
	p := *pkg
	spec := p.Spec
	e := *spec.EVM
	ch := *e.Challenge
	ch.Spec.Contract = contract
	e.Challenge = &ch
	spec.EVM = &e
	p.Spec = spec
	code, bad, err := g.compileSolidity(ctx, &p, source)
	if err != nil {
		return nil, err
	}
	if bad != nil {
		return nil, errors.New(bad.Message)
	}
	return code, nil
}
