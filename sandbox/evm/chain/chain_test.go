package chain

import (
	"context"
	"encoding/json"
	"io/fs"
	"math/big"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/sandbox/evm"
	"github.com/skillarena/arena/sandbox/verdict"
)

func load(t *testing.T, slug string) (*challenges.Package, evm.Challenge) {
	t.Helper()
	fsys, err := challenges.Example(slug)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := challenges.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return pkg, *pkg.Spec.EVM.Challenge
}

// roundTrip sends the task through JSON as the grader does, so that what
// the tool sees is what it gets in the sandbox.
func roundTrip(t *testing.T, task evm.Task) evm.Task {
	t.Helper()
	data, err := json.Marshal(task)
	if err != nil {
		t.Fatal(err)
	}
	var out evm.Task
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReentrancySolutions grades every reference solution of the exploit
// example on the real EVM and checks the outcome its folder names.
func TestReentrancySolutions(t *testing.T) {
	pkg, ch := load(t, "reentrancy-drain")
	for expected, files := range pkg.Solutions {
		for _, file := range files {
			t.Run(path.Base(file), func(t *testing.T) {
				src, err := fs.ReadFile(pkg.FS, file)
				if err != nil {
					t.Fatal(err)
				}
				rep := evm.Run(context.Background(), roundTrip(t, evm.Task{Challenge: ch, Points: pkg.Spec.Points, Language: evm.LangTransactions, Submission: src}), New)
				if rep.Error != "" {
					t.Fatal(rep.Error)
				}
				if string(rep.Outcome) != expected {
					t.Fatalf("outcome %s (%s), want %s; tests %+v", rep.Outcome, rep.Message, expected, rep.Tests)
				}
				if expected == "accepted" && rep.Score != pkg.Spec.Points || expected != "accepted" && rep.Score != 0 {
					t.Fatalf("score %v for %s", rep.Score, expected)
				}
				if expected == "invalid_submission" && rep.Message == "" {
					t.Fatal("an invalid submission needs a message")
				}
			})
		}
	}
}

func TestReentrancyDetails(t *testing.T) {
	pkg, ch := load(t, "reentrancy-drain")
	src, err := fs.ReadFile(pkg.FS, "solutions/accepted/drain.json")
	if err != nil {
		t.Fatal(err)
	}
	rep := evm.Run(context.Background(), evm.Task{Challenge: ch, Points: 100, Language: evm.LangTransactions, Submission: src}, New)
	if len(rep.Tests) != 3 || !strings.HasPrefix(rep.Tests[0].Name, "tx 1: deploy attacker") || rep.Tests[2].Name != "win: setup.isSolved()" {
		t.Fatalf("tests = %+v", rep.Tests)
	}
	for _, tc := range rep.Tests {
		if tc.Outcome != verdict.Accepted {
			t.Fatalf("%s: %s %s", tc.Name, tc.Outcome, tc.Message)
		}
	}

	cases := []struct {
		name    string
		sub     string
		outcome verdict.Outcome
		msg     string
	}{
		{"unknown name", `[{"to": "bnk", "call": "withdraw()"}]`, verdict.InvalidSubmission, `transaction 1: to: unknown name "bnk"`},
		{"unknown field", `[{"to": "bank", "cal": "withdraw()"}]`, verdict.InvalidSubmission, `transaction 1: unknown field "cal"`},
		{"syntax", "[\n{\"to\": \"bank\",}\n]", verdict.InvalidSubmission, "line 2"},
		{"empty", "  ", verdict.InvalidSubmission, "empty"},
		{"binary", "\xff\xfe\x00", verdict.InvalidSubmission, "not UTF-8"},
		{"bad args", `[{"to": "bank", "call": "deposit(uint8)", "args": [256]}]`, verdict.InvalidSubmission, "256 does not fit uint8"},
		{"too much value", `[{"to": "bank", "call": "deposit", "value": "2 ether"}]`, verdict.InvalidSubmission, "not valid"},
		{"too many", "[" + strings.Repeat(`{"to": "bank"},`, 16) + `{"to": "bank"}]`, verdict.InvalidSubmission, "at most 16"},
		{"gas above the limit", `[{"to": "bank", "call": "withdraw", "gas": 5000001}]`, verdict.InvalidSubmission, "above the limit"},
		{"calldata beyond the gas", `[{"to": "bank", "data": "0x` + strings.Repeat("ff", 130000) + `"}]`, verdict.InvalidSubmission, "insufficient gas for floor data gas cost"},
		{"init code too large", `[{"deploy": "0x` + strings.Repeat("00", 50000) + `"}]`, verdict.InvalidSubmission, "initcode"},
		{"revert reason", `[{"to": "bank", "call": "withdraw"}]`, verdict.RuntimeError, `reverted: "no balance"`},
		{"overloaded by name", `[{"to": "setup", "call": "nothing"}]`, verdict.InvalidSubmission, "no function of that name"},
		{"plain transfer", `[{"to": "bank", "value": "1 ether"}]`, verdict.RuntimeError, "reverted"},
		{"wrong", `[{"to": "bank", "call": "deposit", "value": "1 ether"}]`, verdict.WrongAnswer, "not solved: setup.isSolved(): returned (false), expected (true)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := evm.Run(context.Background(), evm.Task{Challenge: ch, Points: 100, Language: evm.LangTransactions, Submission: []byte(tc.sub)}, New)
			if rep.Error != "" {
				t.Fatal(rep.Error)
			}
			all := rep.Message
			for _, tt := range rep.Tests {
				all += "\n" + tt.Message
			}
			if rep.Outcome != tc.outcome || !strings.Contains(all, tc.msg) {
				t.Fatalf("got %s %q, want %s containing %q", rep.Outcome, all, tc.outcome, tc.msg)
			}
		})
	}
}

// TestTotalGas: a second endless call finds the total budget spent.
func TestTotalGas(t *testing.T) {
	_, ch := load(t, "reentrancy-drain")
	loop := `{"to": "spinner", "data": "0x"}`
	sub := `[{"deploy": "0x6003600a5f3960035ff35b5f56", "name": "spinner"},` + strings.Repeat(loop+",", 4) + loop + `]`
	rep := evm.Run(context.Background(), evm.Task{Challenge: ch, Points: 100, Language: evm.LangTransactions, Submission: []byte(sub)}, New)
	if rep.Outcome != verdict.TimeLimit {
		t.Fatalf("outcome %s: %+v", rep.Outcome, rep.Tests)
	}
	var skipped, limited int
	for _, tc := range rep.Tests {
		switch tc.Outcome {
		case verdict.Skipped:
			skipped++
		case verdict.TimeLimit:
			limited++
		}
	}
	// 20M total, 5M per call: four calls run out of gas, the fifth finds the budget gone.
	if limited != 5 || skipped != 0 {
		t.Fatalf("limited %d skipped %d: %+v", limited, skipped, rep.Tests)
	}
	if !strings.Contains(rep.Tests[5].Message, "total gas") {
		t.Fatalf("last = %+v", rep.Tests[5])
	}
}

func hexFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestTokenSuite runs the hidden suite of the contract example on the
// compiled reference solutions (testdata, compiled from the package's
// solutions with solc 0.8.37; the sandbox integration test compiles them
// afresh).
func TestTokenSuite(t *testing.T) {
	_, ch := load(t, "skill-token")
	for _, tc := range []struct {
		file    string
		outcome verdict.Outcome
		score   float64
		failed  []string
	}{
		{"SkillToken.hex", verdict.Accepted, 100, nil},
		{"LeakyToken.hex", verdict.Scored, 75, []string{"transferFrom spends the allowance", "only the owner mints"}},
		{"RevertingConstructor.hex", verdict.RuntimeError, 0, nil},
		{"EndlessConstructor.hex", verdict.TimeLimit, 0, nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			task := roundTrip(t, evm.Task{Challenge: ch, Points: 100, Language: evm.LangBytecode, Submission: hexFile(t, tc.file)})
			rep := evm.Run(context.Background(), task, New)
			if rep.Error != "" {
				t.Fatal(rep.Error)
			}
			if rep.Outcome != tc.outcome || rep.Score != tc.score {
				t.Fatalf("got %s %v (%s), want %s %v", rep.Outcome, rep.Score, rep.Message, tc.outcome, tc.score)
			}
			if len(rep.Tests) != len(ch.Tests) {
				t.Fatalf("%d results for %d tests", len(rep.Tests), len(ch.Tests))
			}
			if tc.failed != nil {
				var failed []string
				for _, r := range rep.Tests {
					if r.Outcome != verdict.Accepted {
						failed = append(failed, r.Name)
					}
				}
				if strings.Join(failed, "|") != strings.Join(tc.failed, "|") {
					t.Fatalf("failed %v, want %v; %+v", failed, tc.failed, rep.Tests)
				}
			}
		})
	}
}

// TestSuiteChecks runs a small suite against the reference token to
// exercise every kind of expectation, passing and failing.
func TestSuiteChecks(t *testing.T) {
	_, ch := load(t, "skill-token")
	step := func(s string) evm.Step {
		var st evm.Step
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		if err := dec.Decode(&st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	transfer := `"call": "transfer(address,uint256)(bool)", "args": ["@alice", "1 ether"]`
	event := `"events": [{"event": "Transfer(address indexed,address indexed,uint256)", "args": ["@deployer", "@alice", "%s"]}]`
	cases := []struct {
		name    string
		step    string
		outcome verdict.Outcome
		msg     string
	}{
		{"returns ok", `{` + transfer + `, "returns": [true]}`, verdict.Accepted, ""},
		{"returns wrong", `{"call": "balanceOf(address)(uint256)", "args": ["@deployer"], "returns": ["1 ether"]}`, verdict.WrongAnswer, "returned (1000000000000000000000000), expected (1000000000000000000)"},
		{"address relabelled", `{"call": "owner()(address)", "returns": ["@alice"]}`, verdict.WrongAnswer, "returned (@deployer), expected (@alice)"},
		{"event ok", `{` + transfer + `, ` + strings.Replace(event, "%s", "1 ether", 1) + `}`, verdict.Accepted, ""},
		{"event wrong", `{` + transfer + `, ` + strings.Replace(event, "%s", "2 ether", 1) + `}`, verdict.WrongAnswer, "got Transfer(@deployer, @alice, 1000000000000000000)"},
		{"revert expected, got success", `{` + transfer + `, "reverts": true}`, verdict.WrongAnswer, "expected a revert"},
		{"revert reason ok", `{"from": "alice", "call": "transfer(address,uint256)", "args": ["@bob", 1], "reason": "transfer exceeds balance"}`, verdict.Accepted, ""},
		{"revert reason wrong", `{"from": "alice", "call": "transfer(address,uint256)", "args": ["@bob", 1], "reason": "nope"}`, verdict.WrongAnswer, `got reverted: "transfer exceeds balance"`},
		{"custom error wrong", `{"from": "alice", "call": "transfer(address,uint256)", "args": ["@bob", 1], "error": "NotOwner(address)"}`, verdict.WrongAnswer, "expected a revert with NotOwner(address)"},
		{"unexpected revert", `{"from": "alice", "call": "transfer(address,uint256)", "args": ["@bob", 1]}`, verdict.RuntimeError, "transfer exceeds balance"},
		{"gas ceiling", `{` + transfer + `, "max_gas": 30000}`, verdict.TimeLimit, "the ceiling is 30,000"},
		{"out of gas", `{` + transfer + `, "gas": 30000}`, verdict.TimeLimit, "ran out of gas (limit 30,000)"},
		{"balances", `{"to": "alice", "value": "1 ether", "balances": {"alice": "101 ether", "token": "0"}}`, verdict.Accepted, ""},
		{"balances wrong", `{"to": "alice", "value": "1 ether", "balances": {"alice": "100 ether"}}`, verdict.WrongAnswer, "alice holds 101 ether, expected 100 ether"},
		{"panic decoded", `{"call": "burn(uint256)", "args": ["2000000 ether"]}`, verdict.RuntimeError, "burn exceeds balance"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := ch
			c.Tests = []evm.Test{{Name: "t", Points: 1, Steps: []evm.Step{step(tc.step)}}}
			rep := evm.Run(context.Background(), evm.Task{Challenge: c, Points: 1, Language: evm.LangBytecode, Submission: hexFile(t, "SkillToken.hex")}, New)
			if rep.Error != "" {
				t.Fatal(rep.Error)
			}
			got := rep.Tests[0]
			if got.Outcome != tc.outcome || !strings.Contains(got.Detail, tc.msg) {
				t.Fatalf("got %s, detail %q, want %s containing %q", got.Outcome, got.Detail, tc.outcome, tc.msg)
			}
			if tc.msg != "" && strings.Contains(got.Message, tc.msg) {
				t.Fatalf("message %q quotes the contract's behaviour %q without show_details", got.Message, tc.msg)
			}
			c.Spec.ShowDetails = true
			rep = evm.Run(context.Background(), evm.Task{Challenge: c, Points: 1, Language: evm.LangBytecode, Submission: hexFile(t, "SkillToken.hex")}, New)
			if got := rep.Tests[0]; !strings.Contains(got.Message, tc.msg) {
				t.Fatalf("show_details: message %q, want it containing %q", got.Message, tc.msg)
			}
		})
	}
}

func TestBytecodeSubmissions(t *testing.T) {
	_, ch := load(t, "skill-token")
	for _, tc := range []struct {
		name, sub, msg string
	}{
		{"empty", "\n", "empty"},
		{"not hex", "0x60zz", "not a hex digit"},
		{"odd", "0x608", "odd number"},
		{"transactions", "[]", "not a hex digit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := evm.Run(context.Background(), evm.Task{Challenge: ch, Points: 100, Language: evm.LangBytecode, Submission: []byte(tc.sub)}, New)
			if rep.Outcome != verdict.InvalidSubmission || !strings.Contains(rep.Message, tc.msg) {
				t.Fatalf("got %s %q, want invalid_submission with %q", rep.Outcome, rep.Message, tc.msg)
			}
		})
	}
	rep := evm.Run(context.Background(), evm.Task{Challenge: ch, Points: 100, Language: evm.LangTransactions, Submission: []byte("[]")}, New)
	if rep.Outcome != verdict.InvalidSubmission {
		t.Fatalf("transactions for a suite: %s", rep.Outcome)
	}
}

func TestDeterministic(t *testing.T) {
	_, ch := load(t, "skill-token")
	task := evm.Task{Challenge: ch, Points: 100, Language: evm.LangBytecode, Submission: hexFile(t, "LeakyToken.hex")}
	a, _ := json.Marshal(evm.Run(context.Background(), task, New))
	b, _ := json.Marshal(evm.Run(context.Background(), task, New))
	if string(a) != string(b) {
		t.Fatalf("two runs differ:\n%s\n%s", a, b)
	}
}

func TestChainBasics(t *testing.T) {
	c, err := New(7)
	if err != nil {
		t.Fatal(err)
	}
	a, b := evm.AccountAddress("a"), evm.AccountAddress("b")
	c.Fund(a, big.NewInt(1000))
	rec, err := c.Apply(evm.Msg{From: a, To: &b, Value: big.NewInt(400), Gas: 21000})
	if err != nil || rec.Status != evm.StatusSuccess || rec.GasUsed != 21000 {
		t.Fatalf("transfer: %+v %v", rec, err)
	}
	if c.Balance(a).Int64() != 600 || c.Balance(b).Int64() != 400 {
		t.Fatalf("balances %v %v", c.Balance(a), c.Balance(b))
	}
	// CHAINID (0x46) returned: PUSH... runtime returning chainid.
	// init: returns runtime 0x465f5260205ff3 (CHAINID PUSH0 MSTORE PUSH1 32 PUSH0 RETURN)
	rec, err = c.Apply(evm.Msg{From: a, Data: mustHex(t, "0x6007600a5f3960075ff3465f5260205ff3"), Gas: 100000, Value: new(big.Int)})
	if err != nil || rec.Status != evm.StatusSuccess || rec.Created == nil {
		t.Fatalf("create: %+v %v", rec, err)
	}
	if want := evm.CreateAddress(a, 1); *rec.Created != want {
		t.Fatalf("created at %s, CreateAddress says %s", rec.Created, want)
	}
	rec, err = c.Apply(evm.Msg{From: a, To: rec.Created, Gas: 100000, Value: new(big.Int)})
	if err != nil || new(big.Int).SetBytes(rec.Return).Int64() != 7 {
		t.Fatalf("chain id call: %+v %v", rec, err)
	}
	if _, err := c.Apply(evm.Msg{From: a, To: &b, Value: big.NewInt(10_000), Gas: 21000}); err == nil {
		t.Fatal("a transfer above the balance was accepted")
	}
}

func mustHex(t *testing.T, s string) []byte {
	b, err := evm.ParseHex(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
