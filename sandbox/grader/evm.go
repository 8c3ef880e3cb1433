package grader

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/evm"
	"github.com/skillarena/arena/sandbox/verdict"
)

// Images of the evm kind. EVMImage holds the static arena-evm tool, the
// only program that runs there: it executes the contestant's bytecode on
// an in-memory EVM and checks it against the setup and the hidden suite,
// which reach it on stdin. SolidityImage holds Node.js and solc-js: it
// compiles Solidity submissions and never sees the suite.
const (
	EVMImage      = "skillarena/evm:latest"
	SolidityImage = "skillarena/solidity:latest"
)

// Output caps of the evm images' runs: the report and the compiler's
// output in KiB, the compiler's message shown in bytes.
const (
	evmReportKB = 4096
	solcOutKB   = 8192
	solcMsgCap  = 16 << 10
)

// Commands run in the evm images.
var (
	evmCommand  = []string{"/usr/local/bin/arena-evm"}
	solcCommand = []string{"node", "/usr/local/lib/solc/compile.js"}
)

// gradeEVM grades an evm challenge: a Solidity source is first compiled
// in the solidity image, then the arena-evm tool runs the task in the evm
// image and its report is the grade.
func (g *Grader) gradeEVM(ctx context.Context, pkg *challenges.Package, lang string, source []byte) (verdict.Result, error) {
	spec := pkg.Spec
	res := verdict.Result{MaxScore: spec.Points, Tests: []verdict.Test{}}
	if spec.EVM == nil || spec.EVM.Challenge == nil {
		return verdict.Result{}, fmt.Errorf("grade %s: the evm challenge was not loaded", spec.ID)
	}
	ch := spec.EVM.Challenge
	if !slices.Contains(spec.Languages, lang) {
		return wrongLanguage(spec, lang), nil
	}
	if max := ch.Spec.MaxSubmissionBytes(); len(source) > max {
		return refused(spec, message.New("grader.too_large_kib", len(source), max>>10)), nil
	}
	task := evm.Task{Challenge: *ch, Points: spec.Points, Language: lang}
	if lang == evm.LangSolidity {
		code, bad, err := g.compileSolidity(ctx, pkg, source)
		if err != nil {
			return verdict.Result{}, err
		}
		if bad != nil {
			res.Outcome, res.Message, res.Text = bad.Outcome, bad.Message, bad.Text
			return res, nil
		}
		task.Code = code
	} else {
		task.Submission = source
	}
	input, err := json.Marshal(task)
	if err != nil {
		return verdict.Result{}, fmt.Errorf("grade %s: encode the evm task: %w", spec.ID, err)
	}
	tr, outcome, err := g.runOnce(ctx, oneRun{
		what: "grade " + spec.ID, name: "evm", cfg: container.Config{Image: EVMImage}, command: evmCommand, input: input,
		limits: runnerLimits(challenges.Limits{TimeMS: spec.Limits.TimeMS, MemoryMB: spec.Limits.MemoryMB, OutputKB: evmReportKB}),
	})
	if err != nil {
		return verdict.Result{}, err
	}
	switch outcome {
	case verdict.Accepted:
	case verdict.TimeLimit:
		res.Outcome = outcome
		res.Say(message.New("evm.chain_time", spec.Limits.TimeMS))
		return res, nil
	case verdict.MemoryLimit:
		res.Outcome = outcome
		res.Say(message.New("evm.chain_memory", spec.Limits.MemoryMB))
		return res, nil
	default:
		return verdict.Result{}, fmt.Errorf("grade %s: arena-evm ended %s (exit %d %s): %s", spec.ID, tr.Status, tr.ExitCode, tr.Signal, tailOf(tr.Stderr))
	}
	var rep evm.Report
	if err := json.Unmarshal(tr.Stdout, &rep); err != nil {
		return verdict.Result{}, fmt.Errorf("grade %s: read the arena-evm report: %w", spec.ID, err)
	}
	if rep.Error != "" {
		return verdict.Result{}, fmt.Errorf("grade %s: arena-evm: %s", spec.ID, rep.Error)
	}
	if rep.Outcome == "" || rep.Score < 0 || rep.Score > spec.Points+1e-9 {
		return verdict.Result{}, fmt.Errorf("grade %s: arena-evm reported outcome %q with score %v of %v", spec.ID, rep.Outcome, rep.Score, spec.Points)
	}
	res.Outcome, res.Score, res.Message, res.Text = rep.Outcome, rep.Score, rep.Message, rep.Text
	if rep.Tests != nil {
		res.Tests = rep.Tests
	}
	for i := range res.Tests {
		// The whole run is measured once; its cost goes on the first line.
		if i == 0 {
			res.Tests[i].CPUTimeMS, res.Tests[i].WallTimeMS, res.Tests[i].MemoryBytes = tr.CPUTimeMS, tr.WallTimeMS, tr.MemoryBytes
		}
	}
	return res, nil
}

// solcInput is solc's standard JSON input.
type solcInput struct {
	Language string                       `json:"language"`
	Sources  map[string]map[string]string `json:"sources"`
	Settings solcSettings                 `json:"settings"`
}

type solcSettings struct {
	Optimizer struct {
		Enabled bool `json:"enabled"`
		Runs    int  `json:"runs"`
	} `json:"optimizer"`
	EVMVersion      string                         `json:"evmVersion,omitempty"`
	OutputSelection map[string]map[string][]string `json:"outputSelection"`
}

// solcOutput is the part of solc's standard JSON output the grader reads.
type solcOutput struct {
	Errors []struct {
		Severity         string `json:"severity"`
		FormattedMessage string `json:"formattedMessage"`
		Message          string `json:"message"`
	} `json:"errors"`
	Contracts map[string]map[string]struct {
		EVM struct {
			Bytecode struct {
				Object string `json:"object"`
			} `json:"bytecode"`
		} `json:"evm"`
	} `json:"contracts"`
}

// compileSolidity compiles a Solidity submission in the solidity image
// and returns the init code of the challenge's contract. A source that does
// not compile, or has no such contract, comes back as a result to report.
func (g *Grader) compileSolidity(ctx context.Context, pkg *challenges.Package, source []byte) ([]byte, *verdict.Result, error) {
	spec := pkg.Spec
	sol := spec.EVM.Challenge.Spec.Solidity
	contract := spec.EVM.Challenge.Spec.Contract
	bad := func(o verdict.Outcome, code string, args ...any) ([]byte, *verdict.Result, error) {
		res := &verdict.Result{Outcome: o}
		res.Say(message.New(code, args...))
		return nil, res, nil
	}
	if !utf8.Valid(source) {
		return bad(verdict.InvalidSubmission, "evm.not_utf8")
	}
	file := contract + ".sol"
	in := solcInput{Language: "Solidity", Sources: map[string]map[string]string{file: {"content": string(source)}}}
	in.Settings.Optimizer.Enabled = sol.OptimizerOn()
	in.Settings.Optimizer.Runs = sol.Runs
	in.Settings.EVMVersion = sol.EVMVersion
	in.Settings.OutputSelection = map[string]map[string][]string{"*": {"*": {"evm.bytecode.object"}}}
	input, err := json.Marshal(in)
	if err != nil {
		return nil, nil, fmt.Errorf("grade %s: encode the compiler input: %w", spec.ID, err)
	}
	tr, outcome, err := g.runOnce(ctx, oneRun{
		what: "grade " + spec.ID + ": compile", name: "solc", cfg: container.Config{Image: SolidityImage}, command: solcCommand, input: input,
		limits: runnerLimits(challenges.Limits{TimeMS: sol.TimeMS, MemoryMB: sol.MemoryMB, OutputKB: solcOutKB}),
	})
	if err != nil {
		return nil, nil, err
	}
	switch outcome {
	case verdict.Accepted:
	case verdict.TimeLimit:
		return bad(verdict.CompileError, "evm.compile_time", sol.TimeMS)
	case verdict.MemoryLimit:
		return bad(verdict.CompileError, "evm.compile_memory", sol.MemoryMB)
	case verdict.OutputLimit:
		return bad(verdict.CompileError, "evm.compile_output", solcOutKB>>10)
	default:
		return bad(verdict.CompileError, "evm.compiler_crashed", tr.ExitCode, tr.Signal, tailOf(tr.Stderr))
	}
	var result solcOutput
	if err := json.Unmarshal(tr.Stdout, &result); err != nil {
		return nil, nil, fmt.Errorf("grade %s: read the compiler output: %w (stderr: %s)", spec.ID, err, tailOf(tr.Stderr))
	}
	var msgs []string
	for _, e := range result.Errors {
		if e.Severity == "error" {
			m := e.FormattedMessage
			if m == "" {
				m = e.Message
			}
			msgs = append(msgs, strings.TrimRight(m, "\n"))
		}
	}
	if len(msgs) > 0 {
		msg := strings.Join(msgs, "\n\n")
		if len(msg) > solcMsgCap {
			msg = msg[:solcMsgCap] + "\n…"
		}
		// solc's own words, as it says them.
		return nil, &verdict.Result{Outcome: verdict.CompileError, Message: msg}, nil
	}
	c, ok := result.Contracts[file][contract]
	if !ok {
		var found []string
		for f, cs := range result.Contracts {
			for name := range cs {
				found = append(found, strings.TrimSuffix(f, ".sol")+":"+name)
			}
		}
		sort.Strings(found)
		if len(found) == 0 {
			return bad(verdict.InvalidSubmission, "evm.no_contract", contract)
		}
		return bad(verdict.InvalidSubmission, "evm.no_contract_named", contract, strings.Join(found, ", "))
	}
	object := c.EVM.Bytecode.Object
	if strings.Contains(object, "__$") {
		return bad(verdict.InvalidSubmission, "evm.needs_linking", contract)
	}
	if object == "" {
		return bad(verdict.InvalidSubmission, "evm.no_bytecode", contract)
	}
	code, err := evm.ParseHex(object)
	if err != nil {
		return nil, nil, fmt.Errorf("grade %s: compiler bytecode: %w", spec.ID, err)
	}
	return code, nil, nil
}

// tailOf is the end of a process's stderr, for messages.
func tailOf(b []byte) string {
	const n = 2048
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	if s == "" {
		return "(no output)"
	}
	return s
}
