package chain

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/sandbox/evm"
)

// codes lists a message's code and those said inside it, outermost first.
func codes(t message.Text) string {
	var out []string
	for p := &t; p != nil; p = p.Inner {
		out = append(out, p.Code)
	}
	return strings.Join(out, " > ")
}

// TestMessagesAsCodes: an evm report says its messages as codes whose
// English is the message as it was, the hidden test's reason inside it.
func TestMessagesAsCodes(t *testing.T) {
	_, drain := load(t, "reentrancy-drain")
	rep := evm.Run(context.Background(), evm.Task{Challenge: drain, Points: 100, Language: evm.LangTransactions,
		Submission: []byte(`[{"to": "bank", "call": "deposit", "value": "1 ether"}]`)}, New)
	if got := codes(rep.Text); got != "evm.not_solved > evm.win_failed > evm.returned" ||
		rep.Message != "not solved: setup.isSolved(): returned (false), expected (true)" || rep.Text.String() != rep.Message {
		t.Errorf("exploit not solved: %s %q", got, rep.Message)
	}
	if len(rep.Tests) == 0 || codes(rep.Tests[0].Text) != "evm.tx_ok" || rep.Tests[0].Text.String() != rep.Tests[0].Message {
		t.Errorf("a transaction's test: %+v", rep.Tests)
	}

	for _, tc := range []struct{ sub, codes, english string }{
		{`[{"to": "bank", "cal": "withdraw()"}]`, "evm.transaction > evm.tx_unknown_field",
			`transaction 1: unknown field "cal" (fields: deploy, name, constructor, to, call, args, data, value, gas)`},
		{`[{"to": "bank", "name": "x"}]`, "evm.transaction > evm.tx_name", "transaction 1: name is for deployments"},
		{"  ", "evm.txs_empty", "the file is empty: submit a JSON list of transactions"},
		{`[{"to": "bank", "call": "withdraw", "gas": 5000001}]`, "evm.tx_gas_limit", "transaction 1: gas 5,000,001 is above the limit of 5,000,000 per transaction"},
	} {
		rep := evm.Run(context.Background(), evm.Task{Challenge: drain, Points: 100, Language: evm.LangTransactions, Submission: []byte(tc.sub)}, New)
		if codes(rep.Text) != tc.codes || rep.Message != tc.english || rep.Text.String() != rep.Message {
			t.Errorf("%s: %s %q, want %s %q", tc.sub, codes(rep.Text), rep.Message, tc.codes, tc.english)
		}
	}

	rep = evm.Run(context.Background(), evm.Task{Challenge: drain, Points: 100, Language: evm.LangTransactions,
		Submission: []byte(`[{"to": "bnk", "call": "withdraw()"}]`)}, New)
	if codes(rep.Text) != "evm.transaction > evm.field > evm.unknown_name" || !strings.HasPrefix(rep.Message, `transaction 1: to: unknown name "bnk" (known: `) ||
		rep.Text.String() != rep.Message {
		t.Errorf("an unknown name: %s %q", codes(rep.Text), rep.Message)
	}

	_, token := load(t, "skill-token")
	var st evm.Step
	if err := json.Unmarshal([]byte(`{"from": "alice", "call": "transfer(address,uint256)", "args": ["@bob", 1], "reason": "nope"}`), &st); err != nil {
		t.Fatal(err)
	}
	token.Tests = []evm.Test{{Name: "t", Points: 1, Steps: []evm.Step{st}}}
	for _, tc := range []struct {
		details      bool
		test, report string
		english      string
	}{
		{false, "evm.at_step > evm.hidden_wrong", "evm.tests_passed_first_failed > evm.at_step > evm.hidden_wrong",
			"step 1 (token.transfer()): a return value, event, balance or expected revert differs from what the test expects"},
		{true, "evm.at_step > evm.expected_reason > evm.reverted_with", "evm.tests_passed_first_failed > evm.at_step > evm.expected_reason > evm.reverted_with",
			`step 1 (token.transfer()): expected a revert with reason "nope", got reverted: "transfer exceeds balance"`},
	} {
		token.Spec.ShowDetails = tc.details
		rep := evm.Run(context.Background(), evm.Task{Challenge: token, Points: 1, Language: evm.LangBytecode, Submission: hexFile(t, "SkillToken.hex")}, New)
		if rep.Error != "" {
			t.Fatal(rep.Error)
		}
		got := rep.Tests[0]
		if codes(got.Text) != tc.test || got.Message != tc.english || got.Text.String() != got.Message {
			t.Errorf("show_details %v: test %s %q, want %s %q", tc.details, codes(got.Text), got.Message, tc.test, tc.english)
		}
		if codes(rep.Text) != tc.report || rep.Message != "0 of 1 tests passed; first failed: t: "+tc.english || rep.Text.String() != rep.Message {
			t.Errorf("show_details %v: report %s %q", tc.details, codes(rep.Text), rep.Message)
		}
		if !strings.Contains(got.Detail, `expected a revert with reason "nope"`) {
			t.Errorf("show_details %v: the jury's detail %q", tc.details, got.Detail)
		}
	}
}
