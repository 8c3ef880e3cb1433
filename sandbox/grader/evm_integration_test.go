package grader_test

import (
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/evm"
	"github.com/skillarena/arena/sandbox/grader"
	"github.com/skillarena/arena/sandbox/verdict"
)

var updateEVM = flag.Bool("update-evm", false, "rewrite the evm examples' compiled artifacts and test bytecode from a fresh compile")

// evmGrader is the real sandbox with the evm and solidity images.
func evmGrader(t *testing.T) *grader.Grader {
	t.Helper()
	g, cli := realGrader(t)
	testenv.Image(t, cli, grader.EVMImage)
	testenv.Image(t, cli, grader.SolidityImage)
	return g
}

func evmExample(t *testing.T, slug string) *challenges.Package {
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

// TestIntegrationEVMSolutions grades every reference solution of both evm
// examples in the real sandbox and checks the outcome (or score) its
// folder names.
func TestIntegrationEVMSolutions(t *testing.T) {
	g := evmGrader(t)
	for _, slug := range []string{"reentrancy-drain", "skill-token"} {
		pkg := evmExample(t, slug)
		dirs := make([]string, 0, len(pkg.Solutions))
		for d := range pkg.Solutions {
			dirs = append(dirs, d)
		}
		sort.Strings(dirs)
		for _, expected := range dirs {
			for _, file := range pkg.Solutions[expected] {
				t.Run(slug+"/"+expected+"/"+path.Base(file), func(t *testing.T) {
					src, err := fs.ReadFile(pkg.FS, file)
					if err != nil {
						t.Fatal(err)
					}
					lang := evm.LanguageForFile(file)
					start := time.Now()
					res, err := g.Grade(context.Background(), pkg, lang, src)
					if err != nil {
						t.Fatal(err)
					}
					t.Logf("%s: %s %v/%v in %v: %s", file, res.Outcome, res.Score, res.MaxScore, time.Since(start).Round(time.Millisecond), firstLine(res.Message))
					if score, err := strconv.ParseFloat(expected, 64); err == nil {
						if res.Outcome != verdict.Scored || res.Score != score {
							t.Fatalf("got %s %v, want scored %v: %s", res.Outcome, res.Score, score, res.Message)
						}
						return
					}
					if string(res.Outcome) != expected {
						t.Fatalf("got %s (%s), want %s; tests %+v", res.Outcome, res.Message, expected, res.Tests)
					}
					if (expected == "compile_error" || expected == "invalid_submission") && res.Message == "" {
						t.Fatal("no message says what is wrong")
					}
				})
			}
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// TestIntegrationEVMHostile sends what the reference solutions do not:
// huge calldata and a huge file, plus sources that make the compiler loop
// or eat memory under tighter limits than the example's.
func TestIntegrationEVMHostile(t *testing.T) {
	g := evmGrader(t)
	drain := evmExample(t, "reentrancy-drain")
	token := evmExample(t, "skill-token")
	cases := []struct {
		name    string
		pkg     *challenges.Package
		lang    string
		src     string
		outcome verdict.Outcome
		msg     string
	}{
		{"calldata past the gas limit", drain, "transactions", `[{"to": "bank", "data": "0x` + strings.Repeat("ff", 126_000) + `"}]`,
			verdict.InvalidSubmission, "floor data gas"},
		{"file past the size limit", drain, "transactions", `[{"to": "bank", "data": "0x` + strings.Repeat("ab", 200_000) + `"}]`,
			verdict.InvalidSubmission, "more than the 256 KiB"},
		{"malformed hex", token, "bytecode", "0x60806040zz", verdict.InvalidSubmission, "not a hex digit"},
		{"binary garbage as source", token, "solidity", "\x7fELF\x00\x01\xff", verdict.InvalidSubmission, "not UTF-8"},
		{"compiler stack", token, "solidity", "contract SkillToken { function f() public pure returns (uint) { return " +
			strings.Repeat("(", 30000) + "1" + strings.Repeat(")", 30000) + "; } }", verdict.CompileError, "recursion"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			res, err := g.Grade(context.Background(), tc.pkg, tc.lang, []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s %v in %v: %s", res.Outcome, res.Score, time.Since(start).Round(time.Millisecond), firstLine(res.Message))
			if res.Outcome != tc.outcome || !strings.Contains(res.Message, tc.msg) {
				t.Fatalf("got %s %q, want %s containing %q", res.Outcome, res.Message, tc.outcome, tc.msg)
			}
		})
	}

	// The same compiler bombs as the reference solutions, under other
	// compile budgets: they end as compile errors that say why.
	for _, tc := range []struct {
		file          string
		timeMS, memMB int64
		msg           string
		within        time.Duration
	}{
		{"solutions/compile_error/CompilerLoop.sol", 2000, 512, "compilation took too long: more than 2000 ms", 20 * time.Second},
		{"solutions/compile_error/CompilerMemoryBomb.sol", 30000, 256, "ran out of memory: more than 256 MiB", 30 * time.Second},
	} {
		t.Run(path.Base(tc.file), func(t *testing.T) {
			tight := *token
			spec := tight.Spec
			evmSpec := *spec.EVM
			ch := *evmSpec.Challenge
			ch.Spec.Solidity.TimeMS, ch.Spec.Solidity.MemoryMB = tc.timeMS, tc.memMB
			evmSpec.Challenge = &ch
			spec.EVM = &evmSpec
			tight.Spec = spec
			src, err := fs.ReadFile(token.FS, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			res, err := g.Grade(context.Background(), &tight, "solidity", src)
			if err != nil {
				t.Fatal(err)
			}
			took := time.Since(start)
			t.Logf("%s in %v: %s", res.Outcome, took.Round(time.Millisecond), res.Message)
			if res.Outcome != verdict.CompileError || !strings.Contains(res.Message, tc.msg) {
				t.Fatalf("got %s %q, want compile_error with %q", res.Outcome, res.Message, tc.msg)
			}
			if took > tc.within {
				t.Fatalf("took %v, more than %v", took, tc.within)
			}
		})
	}
}

// TestIntegrationEVMArtifacts compiles the examples' Solidity in the
// sandbox and checks that the committed artifacts and test bytecode are
// what the sources compile to (-update-evm rewrites them).
func TestIntegrationEVMArtifacts(t *testing.T) {
	g := evmGrader(t)
	drain := evmExample(t, "reentrancy-drain")
	token := evmExample(t, "skill-token")
	type target struct {
		pkg      *challenges.Package
		source   string // in the package
		contract string
		artifact string // artifact JSON to compare the bytecode of, relative to the repository
		hexFile  string // or a plain hex file
	}
	for _, tc := range []target{
		{drain, "attachments/EtherBank.sol", "EtherBank", "challenges/reentrancy-drain/attachments/EtherBank.json", ""},
		{drain, "attachments/Setup.sol", "Setup", "challenges/reentrancy-drain/attachments/Setup.json", ""},
		{token, "solutions/accepted/SkillToken.sol", "SkillToken", "", "sandbox/evm/chain/testdata/SkillToken.hex"},
		{token, "solutions/75/LeakyToken.sol", "SkillToken", "", "sandbox/evm/chain/testdata/LeakyToken.hex"},
		{token, "solutions/runtime_error/RevertingConstructor.sol", "SkillToken", "", "sandbox/evm/chain/testdata/RevertingConstructor.hex"},
		{token, "solutions/time_limit/EndlessConstructor.sol", "SkillToken", "", "sandbox/evm/chain/testdata/EndlessConstructor.hex"},
	} {
		t.Run(tc.source, func(t *testing.T) {
			src, err := fs.ReadFile(tc.pkg.FS, tc.source)
			if err != nil {
				t.Fatal(err)
			}
			code, err := grader.CompileSolidity(context.Background(), g, tc.pkg, tc.contract, src)
			if err != nil {
				t.Fatal(err)
			}
			got := "0x" + hexString(code)
			file := "../../" + tc.artifact + tc.hexFile
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var want string
			if tc.artifact != "" {
				var art map[string]any
				if err := json.Unmarshal(data, &art); err != nil {
					t.Fatal(err)
				}
				want, _ = art["bytecode"].(string)
				if *updateEVM && want != got {
					art["bytecode"] = got
					out, _ := json.MarshalIndent(art, "", "  ")
					if err := os.WriteFile(file, append(out, '\n'), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
			} else {
				want = strings.TrimSpace(string(data))
				if *updateEVM && want != got {
					if err := os.WriteFile(file, []byte(got+"\n"), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
			}
			if got != want {
				t.Fatalf("%s compiles to other bytecode than %s holds (run with -update-evm)", tc.source, file)
			}
		})
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}
