package grader

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/sandbox/container"
	"github.com/skillarena/arena/sandbox/evm"
	"github.com/skillarena/arena/sandbox/evm/chain"
	"github.com/skillarena/arena/sandbox/runner"
	"github.com/skillarena/arena/sandbox/verdict"
)

// evmSandbox stands in for Docker: in the evm image it runs the arena-evm
// logic in-process on the real go-ethereum chain; in the solidity image it
// answers with a canned compiler output. It records every request.
type evmSandbox struct {
	solc     runner.StepResult
	evm      *runner.StepResult // overrides the in-process run when set
	requests map[string][]runner.Request
}

func (s *evmSandbox) Run(ctx context.Context, cfg container.Config, req runner.Request) (runner.Result, error) {
	if s.requests == nil {
		s.requests = map[string][]runner.Request{}
	}
	s.requests[cfg.Image] = append(s.requests[cfg.Image], req)
	switch cfg.Image {
	case SolidityImage:
		return runner.Result{Tests: []runner.StepResult{s.solc}}, nil
	case EVMImage:
		if s.evm != nil {
			return runner.Result{Tests: []runner.StepResult{*s.evm}}, nil
		}
		var task evm.Task
		dec := json.NewDecoder(bytes.NewReader(req.Tests[0].Input))
		dec.UseNumber()
		if err := dec.Decode(&task); err != nil {
			return runner.Result{}, err
		}
		out, _ := json.Marshal(evm.Run(ctx, task, chain.New))
		return runner.Result{Tests: []runner.StepResult{{Status: runner.StatusOK, Stdout: out}}}, nil
	}
	return runner.Result{}, fmt.Errorf("unexpected image %s", cfg.Image)
}

func loadEVMExample(t *testing.T, slug string) *challenges.Package {
	t.Helper()
	fsys, err := challenges.Example(slug)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := challenges.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// solcOK is solc's output for a source defining contract name with code.
func solcOK(t *testing.T, name, hexFile string) runner.StepResult {
	t.Helper()
	code, err := os.ReadFile("../evm/chain/testdata/" + hexFile)
	if err != nil {
		t.Fatal(err)
	}
	out := fmt.Sprintf(`{"errors":[{"severity":"warning","formattedMessage":"Warning: unused"}],"contracts":{"SkillToken.sol":{%q:{"evm":{"bytecode":{"object":%q}}}}}}`,
		name, strings.TrimPrefix(strings.TrimSpace(string(code)), "0x"))
	return runner.StepResult{Status: runner.StatusOK, Stdout: []byte(out)}
}

func TestGradeEVMSolidity(t *testing.T) {
	pkg := loadEVMExample(t, "skill-token")
	source, err := fs.ReadFile(pkg.FS, "solutions/accepted/SkillToken.sol")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		lang    string
		src     []byte
		solc    runner.StepResult
		outcome verdict.Outcome
		score   float64
		msg     string
	}{
		{"accepted", "solidity", source, solcOK(t, "SkillToken", "SkillToken.hex"), verdict.Accepted, 100, "9 of 9 tests passed"},
		{"partial", "solidity", source, solcOK(t, "SkillToken", "LeakyToken.hex"), verdict.Scored, 75, "first failed: transferFrom spends the allowance"},
		{"wrong contract name", "solidity", source, solcOK(t, "MyToken", "SkillToken.hex"), verdict.InvalidSubmission, 0, "no contract named SkillToken (found: SkillToken:MyToken)"},
		{"compile error", "solidity", source, runner.StepResult{Status: runner.StatusOK, Stdout: []byte(
			`{"errors":[{"severity":"error","formattedMessage":"ParserError: Expected ';' but got '}'\n --> SkillToken.sol:5:1:\n"}]}`)},
			verdict.CompileError, 0, "ParserError: Expected ';'"},
		{"compiler too slow", "solidity", source, runner.StepResult{Status: runner.StatusTimeLimit}, verdict.CompileError, 0, "compilation took too long: more than 10000 ms"},
		{"compiler memory", "solidity", source, runner.StepResult{Status: runner.StatusMemoryLimit}, verdict.CompileError, 0, "ran out of memory: more than 512 MiB"},
		{"compiler crash", "solidity", source, runner.StepResult{Status: runner.StatusRuntimeError, ExitCode: 134, Stderr: []byte("RuntimeError: Aborted(OOM)")}, verdict.CompileError, 0, "Aborted(OOM)"},
		{"unlinked library", "solidity", source, runner.StepResult{Status: runner.StatusOK, Stdout: []byte(
			`{"contracts":{"SkillToken.sol":{"SkillToken":{"evm":{"bytecode":{"object":"6080__$abc$__00"}}}}}}`)}, verdict.InvalidSubmission, 0, "linking"},
		{"binary garbage", "solidity", []byte{0xff, 0xfe, 0, 1}, runner.StepResult{}, verdict.InvalidSubmission, 0, "not UTF-8"},
		{"too big", "solidity", bytes.Repeat([]byte("//"), 200<<10), runner.StepResult{}, verdict.InvalidSubmission, 0, "more than the 256 KiB"},
		{"language not accepted", "python3", source, runner.StepResult{}, verdict.InvalidSubmission, 0, "not accepted"},
		{"bytecode", "bytecode", mustRead(t, "../evm/chain/testdata/SkillToken.hex"), runner.StepResult{}, verdict.Accepted, 100, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := &evmSandbox{solc: tt.solc}
			res, err := New(sb).Grade(context.Background(), pkg, tt.lang, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tt.outcome || res.Score != tt.score || res.MaxScore != 100 || !strings.Contains(res.Message, tt.msg) {
				t.Fatalf("got %s %v/%v %q, want %s %v containing %q", res.Outcome, res.Score, res.MaxScore, res.Message, tt.outcome, tt.score, tt.msg)
			}
			// The message as a code says the same English; solc's own words have none.
			wantCode := map[string]string{"accepted": "evm.tests_passed", "partial": "evm.tests_passed_first_failed",
				"wrong contract name": "evm.no_contract_named", "compile error": "", "compiler too slow": "evm.compile_time",
				"compiler crash": "evm.compiler_crashed", "binary garbage": "evm.not_utf8", "unlinked library": "evm.needs_linking"}
			if want, ok := wantCode[tt.name]; ok && (res.Text.Code != want || want != "" && res.Text.String() != res.Message) {
				t.Errorf("message code %q (%q), want %q", res.Text.Code, res.Text.String(), want)
			}
			// The hidden suite never reaches the compiler's sandbox.
			for _, req := range sb.requests[SolidityImage] {
				if bytes.Contains(req.Tests[0].Input, []byte("transferFrom spends the allowance")) || len(req.Files) > 0 {
					t.Fatal("the compiler's sandbox got the hidden suite")
				}
				if !bytes.Contains(req.Tests[0].Input, []byte(`"optimizer":{"enabled":true,"runs":200}`)) {
					t.Fatalf("compiler settings missing: %s", req.Tests[0].Input)
				}
			}
			if tt.outcome == verdict.Accepted || tt.outcome == verdict.Scored {
				if len(sb.requests[EVMImage]) != 1 || len(res.Tests) != 9 {
					t.Fatalf("evm runs %d, tests %d", len(sb.requests[EVMImage]), len(res.Tests))
				}
			} else if len(sb.requests[EVMImage]) != 0 {
				t.Fatal("a submission that did not compile went on to the chain")
			}
		})
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGradeEVMRunFailures(t *testing.T) {
	pkg := loadEVMExample(t, "reentrancy-drain")
	src := mustRead(t, "../../challenges/reentrancy-drain/solutions/accepted/drain.json")
	for _, tt := range []struct {
		name    string
		run     *runner.StepResult
		outcome verdict.Outcome
		wantErr bool
	}{
		{"real run", nil, verdict.Accepted, false},
		{"cpu limit", &runner.StepResult{Status: runner.StatusTimeLimit}, verdict.TimeLimit, false},
		{"memory limit", &runner.StepResult{Status: runner.StatusMemoryLimit}, verdict.MemoryLimit, false},
		{"tool crashed", &runner.StepResult{Status: runner.StatusRuntimeError, ExitCode: 2}, "", true},
		{"tool reported an error", &runner.StepResult{Status: runner.StatusOK, Stdout: []byte(`{"error":"setup step 1: broken"}`)}, "", true},
		{"garbage report", &runner.StepResult{Status: runner.StatusOK, Stdout: []byte(`not json`)}, "", true},
		{"score out of range", &runner.StepResult{Status: runner.StatusOK, Stdout: []byte(`{"outcome":"accepted","score":1000,"tests":[]}`)}, "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sb := &evmSandbox{evm: tt.run}
			res, err := New(sb).Grade(context.Background(), pkg, "transactions", src)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want a platform error, got %+v", res)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tt.outcome {
				t.Fatalf("outcome %s, want %s (%s)", res.Outcome, tt.outcome, res.Message)
			}
			if _, ok := sb.requests[SolidityImage]; ok {
				t.Fatal("transactions went through the compiler")
			}
			req := sb.requests[EVMImage][0]
			if req.Run.Limits.CPUTimeMS != pkg.Spec.Limits.TimeMS || req.Run.Limits.MemoryBytes != pkg.Spec.Limits.MemoryMB<<20 || len(req.Files) != 0 {
				t.Fatalf("request = %+v", req.Run)
			}
		})
	}
}
