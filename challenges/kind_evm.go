package challenges

import (
	"io/fs"

	"github.com/skillarena/arena/sandbox/evm"
)

// EVMSpec is the `evm:` section: a blockchain challenge run on an
// in-memory EVM inside the sandbox. The fields are evm.Spec's (see
// challenges/README.md); the loader fills Challenge.
type EVMSpec struct {
	evm.Spec `yaml:",inline"`

	// Challenge is the loaded challenge: defaults applied, the setup's
	// compiled contracts read, the hidden suite loaded. Set by Load.
	Challenge *evm.Challenge `yaml:"-"`
}

func loadEVM(fsys fs.FS, pkg *Package, probs *Problems) {
	var spec *evm.Spec
	if pkg.Spec.EVM != nil {
		spec = &pkg.Spec.EVM.Spec
	}
	ch, problems := evm.Load(fsys, spec, pkg.Spec.Languages)
	for _, p := range problems {
		probs.add(p.File, p.Field, "%s", p.Message)
	}
	if ch == nil {
		return
	}
	if p := ch.CheckPoints(pkg.Spec.Points); p != nil {
		probs.add(p.File, p.Field, "%s", p.Message)
		return
	}
	pkg.Spec.EVM.Challenge = ch
}
