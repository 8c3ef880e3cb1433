package evm

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Problem is one thing wrong with a package, as the loader reports it:
// "File: Field: Message".
type Problem struct {
	File    string
	Field   string
	Message string
}

func (p Problem) String() string { return p.File + ": " + p.Field + ": " + p.Message }

// Load validates the `evm:` section of a package's challenge.yaml (spec)
// and the languages it accepts, reads the compiled contracts its setup
// deploys and the hidden suite from fsys, and returns the challenge ready
// to grade. Every problem found is returned; the challenge is nil when
// there is any.
func Load(fsys fs.FS, spec *Spec, languages []string) (*Challenge, []Problem) {
	l := &loader{fsys: fsys, file: "challenge.yaml"}
	if spec == nil {
		l.add("evm", "missing: an evm challenge needs an evm: section (setup, and win or a hidden suite)")
		return nil, l.probs
	}
	s := *spec
	s.ApplyDefaults()
	ch := &Challenge{Spec: s, Artifacts: map[string]Artifact{}}
	l.ch = ch
	l.spec(languages)
	if len(l.probs) > 0 {
		return nil, l.probs
	}
	return ch, nil
}

type loader struct {
	fsys  fs.FS
	file  string
	ch    *Challenge
	probs []Problem
	// names maps each name steps may use to the artifact path of a setup
	// contract ("" for accounts and contracts without an ABI).
	names map[string]string
}

func (l *loader) add(field, format string, args ...any) {
	l.probs = append(l.probs, Problem{File: l.file, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (l *loader) spec(languages []string) {
	s := &l.ch.Spec
	l.names = map[string]string{}
	for _, name := range s.accountNames() {
		f := "evm.accounts." + name
		if !nameRE.MatchString(name) {
			l.add(f, "%q is not a name (letters, digits, _)", name)
		}
		a := s.Accounts[name]
		if _, err := ParseAddress(a.Address); err != nil {
			l.add(f+".address", "%v", err)
		}
		if _, err := a.wei(); err != nil {
			l.add(f+".balance", "%v", err)
		}
		l.names[name] = ""
	}
	if s.Gas.Tx > MaxTxGas {
		l.add("evm.gas.tx", "%d is above the maximum of %d", s.Gas.Tx, MaxTxGas)
	}
	if s.Gas.Total > MaxTotalGas {
		l.add("evm.gas.total", "%d is above the maximum of %d", s.Gas.Total, MaxTotalGas)
	}
	if s.Gas.Total < s.Gas.Tx {
		l.add("evm.gas.total", "%d is below the per-transaction limit evm.gas.tx (%d)", s.Gas.Total, s.Gas.Tx)
	}
	if s.MaxTransactions < 1 || s.MaxTransactions > 1000 {
		l.add("evm.max_transactions", "must be in 1..1000, got %d", s.MaxTransactions)
	}
	if s.MaxSubmissionKB < 1 || s.MaxSubmissionKB > 4096 {
		l.add("evm.max_submission_kb", "must be in 1..4096, got %d", s.MaxSubmissionKB)
	}
	if s.Solidity.Runs < 1 {
		l.add("evm.solidity.runs", "must be positive, got %d", s.Solidity.Runs)
	}
	if s.Solidity.TimeMS < 1 || s.Solidity.TimeMS > 120_000 {
		l.add("evm.solidity.time_ms", "must be in 1..120000, got %d", s.Solidity.TimeMS)
	}
	if s.Solidity.MemoryMB < 64 || s.Solidity.MemoryMB > 8192 {
		l.add("evm.solidity.memory_mb", "must be in 64..8192, got %d", s.Solidity.MemoryMB)
	}
	if v := s.Solidity.EVMVersion; v != "" && !nameRE.MatchString(v) {
		l.add("evm.solidity.evm_version", "%q is not an EVM version name", v)
	}

	for _, lang := range languages {
		switch lang {
		case LangTransactions:
			if len(s.Win) == 0 {
				l.add("languages", "transactions only suit a challenge with evm.win; a suite tests a contract (bytecode, solidity)")
			}
		case LangBytecode:
		case LangSolidity:
			if s.Contract == "" {
				l.add("evm.contract", "missing: name the contract taken from Solidity submissions")
			}
		default:
			l.add("languages", "%q is not an evm language (transactions, bytecode, solidity)", lang)
		}
	}
	if s.Contract != "" && !nameRE.MatchString(s.Contract) {
		l.add("evm.contract", "%q is not a contract name", s.Contract)
	}

	for i, st := range s.Setup {
		f := fmt.Sprintf("evm.setup[%d]", i)
		if st.Deploy != "" {
			l.deployStep(f, st)
			continue
		}
		l.step(f, st, "", false)
	}

	d := s.Deploy
	if !nameRE.MatchString(d.Name) {
		l.add("evm.deploy.name", "%q is not a name (letters, digits, _)", d.Name)
	} else if _, taken := l.names[d.Name]; taken {
		l.add("evm.deploy.name", "%q is already an account or setup contract", d.Name)
	}
	l.from("evm.deploy.from", d.From)
	if _, err := ParseAmount(d.Value); err != nil {
		l.add("evm.deploy.value", "%v", err)
	}
	if types, err := parseParamTypes(d.Constructor); err != nil {
		l.add("evm.deploy.constructor", "%v", err)
	} else if _, err := Encode(types, d.Args, l.resolver()); err != nil {
		l.add("evm.deploy.args", "%v", err)
	}
	l.gas("evm.deploy.gas", d.Gas)

	if len(s.Win) > 0 {
		if s.Suite != "" {
			l.add("evm.suite", "give either evm.win (an exploit challenge) or a suite (a contract challenge), not both")
		}
		for i, st := range s.Win {
			l.step(fmt.Sprintf("evm.win[%d]", i), st, "", true)
		}
		return
	}
	l.suite(s.Suite)
}

func (l *loader) resolver() Resolver {
	return func(name string) (Address, bool) {
		_, ok := l.names[name]
		return Address{}, ok
	}
}

func (l *loader) from(field, name string) {
	if name == "" {
		return
	}
	if _, ok := l.ch.Spec.Accounts[name]; !ok {
		l.add(field, "%q is not an account (accounts: %s)", name, strings.Join(l.ch.Spec.accountNames(), ", "))
	}
}

func (l *loader) gas(field string, g uint64) {
	if g > l.ch.Spec.Gas.Tx {
		l.add(field, "%d is above evm.gas.tx (%d)", g, l.ch.Spec.Gas.Tx)
	}
}

func (l *loader) deployStep(f string, st Step) {
	switch {
	case st.Name == "":
		l.add(f+".name", "missing: name the deployed contract so later steps can use it")
	case !nameRE.MatchString(st.Name):
		l.add(f+".name", "%q is not a name (letters, digits, _)", st.Name)
	default:
		if _, taken := l.names[st.Name]; taken {
			l.add(f+".name", "%q is taken", st.Name)
		}
	}
	if st.To != "" || st.Call != "" || st.Data != "" {
		l.add(f, "a deployment takes deploy, name, from, value, args and gas, not to, call or data")
	}
	l.expectations(f, st, nil, true)
	l.from(f+".from", st.From)
	l.gas(f+".gas", st.Gas)
	if _, err := ParseAmount(st.Value); err != nil {
		l.add(f+".value", "%v", err)
	}
	art, ok := l.ch.Artifacts[st.Deploy]
	if !ok {
		clean := path.Clean(st.Deploy)
		if clean != st.Deploy || strings.HasPrefix(clean, "../") || path.IsAbs(clean) {
			l.add(f+".deploy", "%q is not a clean path inside the package", st.Deploy)
			return
		}
		data, err := fs.ReadFile(l.fsys, st.Deploy)
		if err != nil {
			l.add(f+".deploy", "read %s: %v", st.Deploy, err)
			return
		}
		if art, err = ParseArtifact(data); err != nil {
			l.add(f+".deploy", "%s: %v", st.Deploy, err)
			return
		}
		l.ch.Artifacts[st.Deploy] = art
	}
	types, err := parseParamTypes(art.Constructor)
	if err == nil {
		_, err = Encode(types, st.Args, l.resolver())
	}
	if err != nil {
		l.add(f+".args", "constructor %s: %v", art.Constructor, err)
	}
	if st.Name != "" {
		l.names[st.Name] = st.Deploy
	}
}

// step checks a call step; defaultTo is its target when it names none.
func (l *loader) step(f string, st Step, defaultTo string, check bool) {
	if st.Deploy != "" {
		l.add(f+".deploy", "deployments belong in evm.setup")
		return
	}
	l.from(f+".from", st.From)
	l.gas(f+".gas", st.Gas)
	if _, err := ParseAmount(st.Value); err != nil {
		l.add(f+".value", "%v", err)
	}
	to := st.To
	if to == "" {
		to = defaultTo
	}
	artifact := ""
	switch {
	case to == "":
		l.add(f+".to", "missing: the target (an account or contract name, or an 0x address)")
	case strings.HasPrefix(to, "0x"):
		if _, err := ParseAddress(to); err != nil {
			l.add(f+".to", "%v", err)
		}
	default:
		p, ok := l.names[strings.TrimPrefix(to, "@")]
		if !ok {
			l.add(f+".to", "unknown name %q (known: %s)", to, l.known())
		}
		artifact = p
	}
	if st.Call != "" && st.Data != "" {
		l.add(f, "give either call or data, not both")
	}
	var fn *Function
	if st.Call != "" {
		fn = l.function(f+".call", st.Call, artifact)
		if fn != nil {
			if _, err := Encode(fn.Inputs, st.Args, l.resolver()); err != nil {
				l.add(f+".args", "%s: %v", fn.Signature(), err)
			}
		}
	} else if len(st.Args) > 0 {
		l.add(f+".args", "args need call")
	}
	if st.Data != "" {
		if _, err := ParseHex(st.Data); err != nil {
			l.add(f+".data", "%v", err)
		}
	}
	if check && st.Returns == nil && !st.Reverts && st.Reason == "" && st.Error == "" && len(st.Events) == 0 && len(st.Balances) == 0 {
		l.add(f, "a win check must expect something: returns, balances, events or a revert")
	}
	l.expectations(f, st, fn, st.Call != "" || st.Data != "")
}

func (l *loader) known() string {
	names := make([]string, 0, len(l.names))
	for n := range l.names {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// function resolves a call: a signature, or a bare name via the artifact's ABI.
func (l *loader) function(f, call, artifact string) *Function {
	if strings.Contains(call, "(") {
		fn, err := ParseFunction(call)
		if err != nil {
			l.add(f, "%v", err)
			return nil
		}
		if !fn.HasOutputs && artifact != "" {
			// Take the outputs from the ABI when it has the function.
			for _, sig := range l.ch.Artifacts[artifact].Functions {
				if g, err := ParseFunction(sig); err == nil && g.Signature() == fn.Signature() {
					return &g
				}
			}
		}
		return &fn
	}
	if artifact == "" {
		l.add(f, "%q: give the full signature, e.g. %s(uint256)(bool): the target has no ABI", call, call)
		return nil
	}
	var found []Function
	for _, sig := range l.ch.Artifacts[artifact].Functions {
		if g, err := ParseFunction(sig); err == nil && g.Name == call {
			found = append(found, g)
		}
	}
	switch len(found) {
	case 1:
		return &found[0]
	case 0:
		l.add(f, "%q: the ABI of %s has no function of that name", call, artifact)
	default:
		l.add(f, "%q is overloaded in %s: give the full signature", call, artifact)
	}
	return nil
}

func (l *loader) expectations(f string, st Step, fn *Function, canReturn bool) {
	if st.Returns != nil {
		switch {
		case !canReturn || fn == nil:
			l.add(f+".returns", "needs call with a signature that lists outputs, e.g. balanceOf(address)(uint256)")
		case !fn.HasOutputs:
			l.add(f+".returns", "the signature %s lists no outputs: write it as %s(types)", fn.Signature(), fn.Signature())
		default:
			if _, err := Encode(fn.Outputs, st.Returns, l.resolver()); err != nil {
				l.add(f+".returns", "%v", err)
			}
		}
	}
	wantRevert := st.Reverts || st.Reason != "" || st.Error != ""
	if wantRevert && (st.Returns != nil || len(st.Events) > 0 || len(st.Balances) > 0) {
		l.add(f, "a step that expects a revert cannot also expect returns, events or balances")
	}
	if st.Error != "" {
		if _, err := ParseFunction(st.Error); err != nil {
			l.add(f+".error", "%v", err)
		}
	}
	for i, e := range st.Events {
		ef := fmt.Sprintf("%s.events[%d]", f, i)
		ev, err := ParseEvent(e.Event)
		if err != nil {
			l.add(ef+".event", "%v", err)
			continue
		}
		if _, _, err := ev.EncodeLog(e.Args, l.resolver()); err != nil {
			l.add(ef+".args", "%v", err)
		}
		if e.From != "" && !strings.HasPrefix(e.From, "0x") {
			if _, ok := l.names[strings.TrimPrefix(e.From, "@")]; !ok {
				l.add(ef+".from", "unknown name %q", e.From)
			}
		}
	}
	for _, name := range sortedKeys(st.Balances) {
		if !strings.HasPrefix(name, "0x") {
			if _, ok := l.names[strings.TrimPrefix(name, "@")]; !ok {
				l.add(f+".balances", "unknown name %q", name)
			}
		}
		if _, err := ParseAmount(st.Balances[name]); err != nil {
			l.add(f+".balances."+name, "%v", err)
		}
	}
}

// suite loads and checks the hidden suite.
func (l *loader) suite(file string) {
	clean := path.Clean(file)
	if clean != file || strings.HasPrefix(clean, "../") || path.IsAbs(clean) {
		l.add("evm.suite", "%q is not a clean path inside the package", file)
		return
	}
	if !strings.HasPrefix(clean, "hidden/") {
		l.add("evm.suite", "%q must be under hidden/, where contestants cannot read it", file)
		return
	}
	data, err := fs.ReadFile(l.fsys, file)
	if errors.Is(err, fs.ErrNotExist) {
		l.add("evm", "give evm.win (an exploit challenge) or a hidden test suite in %s (a contract challenge)", file)
		return
	}
	if err != nil {
		l.add("evm.suite", "read %s: %v", file, err)
		return
	}
	var suite Suite
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	l.file = file
	defer func() { l.file = "challenge.yaml" }()
	if err := dec.Decode(&suite); err != nil {
		l.add("tests", "%v", err)
		return
	}
	if len(suite.Tests) == 0 {
		l.add("tests", "no tests")
	}
	deployed := l.ch.Spec.Deploy.Name
	l.names[deployed] = ""
	defer delete(l.names, deployed)
	seen := map[string]bool{}
	for i, t := range suite.Tests {
		f := fmt.Sprintf("tests[%d]", i)
		if t.Name == "" {
			l.add(f+".name", "missing")
		} else if seen[t.Name] {
			l.add(f+".name", "%q is used twice", t.Name)
		}
		seen[t.Name] = true
		if t.Points <= 0 {
			l.add(f+".points", "must be positive, got %v", t.Points)
		}
		if len(t.Steps) == 0 {
			l.add(f+".steps", "no steps")
		}
		for j, st := range t.Steps {
			l.step(fmt.Sprintf("%s.steps[%d]", f, j), st, deployed, false)
		}
	}
	l.ch.Tests = suite.Tests
}

// CheckPoints reports a problem when the suite's points do not add up to
// the challenge's points.
func (c *Challenge) CheckPoints(points float64) *Problem {
	if c.Exploit() {
		return nil
	}
	sum := 0.0
	for _, t := range c.Tests {
		sum += t.Points
	}
	if d := sum - points; d > 1e-9 || d < -1e-9 {
		return &Problem{File: c.Spec.Suite, Field: "tests", Message: fmt.Sprintf("points add up to %v, challenge.yaml gives the challenge %v", sum, points)}
	}
	return nil
}
