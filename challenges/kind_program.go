package challenges

import "io/fs"

// ProgramSpec is the `program:` section: compiled or interpreted code run on
// test cases (stdin to stdout).
type ProgramSpec struct{}

func loadProgram(fsys fs.FS, pkg *Package, probs *Problems) {
	if _, ok := Checkers[pkg.Spec.Checker]; !ok {
		probs.add("challenge.yaml", "checker", "%q is not one of exact, tokens", pkg.Spec.Checker)
	}
	pkg.Tests = loadTests(fsys, probs)
}
