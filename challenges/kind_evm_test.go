package challenges

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/skillarena/arena/sandbox/evm"
)

func TestEVMExamplesLoad(t *testing.T) {
	for _, tt := range []struct {
		slug    string
		exploit bool
		tests   int
	}{
		{"reentrancy-drain", true, 0},
		{"skill-token", false, 9},
	} {
		t.Run(tt.slug, func(t *testing.T) {
			fsys, err := Example(tt.slug)
			if err != nil {
				t.Fatal(err)
			}
			pkg, err := Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			ch := pkg.Spec.EVM.Challenge
			if ch == nil {
				t.Fatal("the loader did not fill evm.Challenge")
			}
			if ch.Exploit() != tt.exploit || len(ch.Tests) != tt.tests {
				t.Fatalf("exploit=%v tests=%d, want %v %d", ch.Exploit(), len(ch.Tests), tt.exploit, tt.tests)
			}
			if len(pkg.Solutions) < 3 {
				t.Fatalf("solutions = %v", pkg.Solutions)
			}
		})
	}
}

// evmPackage is a minimal evm package with challenge.yaml replaced.
func evmPackage(yaml string, extra map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"challenge.yaml":       {Data: []byte(yaml)},
		"statement.md":         {Data: []byte("# t\n")},
		"contracts/Empty.json": {Data: []byte(`{"abi":[{"type":"function","name":"isSolved","inputs":[],"outputs":[{"type":"bool"}]},{"type":"constructor","inputs":[{"type":"uint256"}]}],"bytecode":"0x6080"}`)},
	}
	for name, data := range extra {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

const evmHead = "id: t\ntitle: {en: T}\ncategory: blockchain\nkind: evm\npoints: 10\n"

func TestEVMLoadProblems(t *testing.T) {
	suite := "tests:\n  - {name: a, points: 10, steps: [{call: \"f()(uint256)\", returns: [1]}]}\n"
	tests := []struct {
		name  string
		yaml  string
		extra map[string]string
		want  []string // substrings of the error, each "file: field"
	}{
		{"no section", evmHead + "languages: [bytecode]\n", nil, []string{"challenge.yaml: evm: missing"}},
		{"neither win nor suite", evmHead + "languages: [bytecode]\nevm: {}\n", nil, []string{"challenge.yaml: evm: give evm.win"}},
		{"transactions need win", evmHead + "languages: [transactions]\nevm: {}\n", map[string]string{"hidden/suite.yaml": suite},
			[]string{"challenge.yaml: languages: transactions only suit"}},
		{"solidity needs contract", evmHead + "languages: [solidity]\nevm: {}\n", map[string]string{"hidden/suite.yaml": suite},
			[]string{"challenge.yaml: evm.contract: missing"}},
		{"unknown language", evmHead + "languages: [python3]\nevm: {}\n", map[string]string{"hidden/suite.yaml": suite},
			[]string{"challenge.yaml: languages: \"python3\" is not an evm language"}},
		{"bad setup", evmHead + "languages: [transactions]\nevm:\n  setup:\n    - {deploy: contracts/Missing.json, name: x}\n    - {deploy: contracts/Empty.json, name: e, args: [\"one\"]}\n    - {to: nobody, call: \"f(uint8)\", args: [300]}\n  win:\n    - {to: e, call: isSolved}\n",
			nil, []string{
				"challenge.yaml: evm.setup[0].deploy: read contracts/Missing.json",
				"challenge.yaml: evm.setup[1].args: constructor (uint256)",
				"challenge.yaml: evm.setup[2].to: unknown name \"nobody\"",
				"challenge.yaml: evm.setup[2].args: f(uint8): 300 does not fit uint8",
				"challenge.yaml: evm.win[0]: a win check must expect something",
			}},
		{"bad win", evmHead + "languages: [transactions]\nevm:\n  accounts: {player: {balance: lots}}\n  setup:\n    - {deploy: contracts/Empty.json, name: e, args: [1]}\n  win:\n    - {to: e, call: \"isSolved()\", returns: [true]}\n    - {to: e, call: nope, returns: [1]}\n  gas: {tx: 40000000}\n",
			nil, []string{
				"challenge.yaml: evm.accounts.player.balance:",
				"challenge.yaml: evm.gas.tx: 40000000 is above the maximum",
				"challenge.yaml: evm.win[1].call: \"nope\": the ABI of contracts/Empty.json has no function",
			}},
		{"suite problems", evmHead + "languages: [bytecode]\nevm: {}\n", map[string]string{"hidden/suite.yaml": "tests:\n  - {name: a, points: 4, steps: [{call: \"f()\", returns: [1]}]}\n  - {name: a, points: 0, steps: []}\n"},
			[]string{
				"hidden/suite.yaml: tests[0].steps[0].returns: the signature f() lists no outputs",
				"hidden/suite.yaml: tests[1].name: \"a\" is used twice",
				"hidden/suite.yaml: tests[1].points: must be positive",
				"hidden/suite.yaml: tests[1].steps: no steps",
			}},
		{"points must add up", evmHead + "languages: [bytecode]\nevm: {}\n", map[string]string{"hidden/suite.yaml": "tests:\n  - {name: a, points: 4, steps: [{call: \"f()\"}]}\n"},
			[]string{"hidden/suite.yaml: tests: points add up to 4, challenge.yaml gives the challenge 10"}},
		{"suite outside hidden", evmHead + "languages: [bytecode]\nevm: {suite: attachments/suite.yaml}\n", nil,
			[]string{"challenge.yaml: evm.suite: \"attachments/suite.yaml\" must be under hidden/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkg, err := Load(evmPackage(tt.yaml, tt.extra))
			if err == nil {
				t.Fatalf("loaded a broken package: %+v", pkg.Spec.EVM)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestEVMLoadDefaults(t *testing.T) {
	pkg, err := Load(evmPackage(evmHead+"languages: [bytecode]\nevm: {}\n", map[string]string{
		"hidden/suite.yaml": "tests:\n  - {name: a, points: 10, steps: [{call: \"f()(uint256)\", returns: [\"1 gwei\"]}]}\n"}))
	if err != nil {
		t.Fatal(err)
	}
	s := pkg.Spec.EVM.Challenge.Spec
	if s.ChainID != evm.DefaultChainID || s.Gas.Tx != evm.DefaultTxGas || s.Gas.Total != evm.DefaultTotalGas ||
		s.Deploy.Name != evm.DefaultDeployName || s.Deploy.From != evm.Deployer || s.Suite != evm.DefaultSuite ||
		s.MaxSubmissionKB != evm.DefaultMaxSubmissionKB || !s.Solidity.OptimizerOn() {
		t.Fatalf("defaults not applied: %+v", s)
	}
	if s.Accounts[evm.Player].Balance != evm.DefaultPlayerBalance || s.Accounts[evm.Deployer].Address != evm.AccountAddress(evm.Deployer).String() {
		t.Fatalf("accounts = %+v", s.Accounts)
	}
}
