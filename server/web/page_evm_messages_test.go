package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/sandbox/verdict"
)

// TestIntegrationEVMResultInChinese: an EVM challenge's result — the
// summary, a hidden test's reason said inside where it failed — reads in
// Chinese on the Chinese page; one stored before codes keeps its English.
func TestIntegrationEVMResultInChinese(t *testing.T) {
	f := newFixture(t, time.Now())
	coded := f.Submit(t, "ann", "print(1)\n")
	why := message.Wrap("evm.at_step", message.New("evm.hidden_wrong"), 2, "token.transfer()")
	res := verdict.Result{Outcome: verdict.Scored, Score: 50, MaxScore: 100,
		Tests: []verdict.Test{{Name: "mint", Outcome: verdict.Accepted, Score: 50, MaxScore: 50},
			{Name: "transfer", Outcome: verdict.WrongAnswer, MaxScore: 50}}}
	res.Tests[1].Say(why)
	res.Say(message.Wrap("evm.tests_passed_first_failed", why, 1, 2, "transfer"))
	f.Grade(t, res)
	old := f.Submit(t, "ann", "print(2)\n")
	f.Grade(t, verdict.Result{Outcome: verdict.WrongAnswer, MaxScore: 100, Message: "not solved: setup.isSolved(): returned (false), expected (true)",
		Tests: []verdict.Test{{Name: "win", Outcome: verdict.WrongAnswer, MaxScore: 100, Message: "returned (false), expected (true)"}}})

	_, zh, _ := f.page(t, "/submissions/"+coded, "ann", "zh")
	mustContain(t, "the coded result (zh)", zh, "通过 1 个测试，共 2 个；第一个未通过的是 transfer：第 2 步（token.transfer()）：返回值、事件、余额或预期的回滚与测试的要求不符")
	for _, en := range []string{"tests passed", "first failed", "differs from what the test expects", "step 2"} {
		if strings.Contains(visibleText(zh), en) {
			t.Errorf("English %q on the Chinese page", en)
		}
	}
	_, en, _ := f.page(t, "/submissions/"+coded, "ann", "en")
	mustContain(t, "the coded result (en)", en, "1 of 2 tests passed; first failed: transfer: step 2 (token.transfer()): a return value, event, balance or expected revert differs from what the test expects")
	_, zhOld, _ := f.page(t, "/submissions/"+old, "ann", "zh")
	mustContain(t, "a result stored before codes (zh)", zhOld, "not solved: setup.isSolved(): returned (false), expected (true)")
}
