package certificate

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/server/certificate/rules"
)

// finalFixture is the contest of testdata/contest.yaml played, its theory
// imported, ended and unfrozen.
func finalFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	f.now = time.Date(2025, 5, 31, 10, 0, 0, 0, beijing())
	f.load(t, "bc", 0)
	f.play(t, "bc")
	theory, err := os.ReadFile("testdata/theory.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ImportScores(ctx, "bc", "theory", theory, "org", "exam"); err != nil {
		t.Fatal(err)
	}
	f.now = time.Date(2025, 6, 2, 10, 0, 0, 0, beijing())
	if _, err := f.admin.Unfreeze(ctx, "bc", "org", "results"); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestIntegrationStatusPreview: a status change says whose place, award and
// level move before it is applied, and changes nothing until then.
func TestIntegrationStatusPreview(t *testing.T) {
	f := finalFixture(t)
	ctx := context.Background()
	p, err := f.svc.PreviewOverride(ctx, "bc", OverrideRequest{Contestant: "ann", Status: "disqualified"}, "org")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Change{}
	for _, c := range p.Changes {
		got[c.Contestant] = c
	}
	// ann (2nd, silver, 技师) goes; dan and cat move up a place and an award.
	if c := got["ann"]; c.Before.Rank != 2 || c.Before.Award != "silver" || c.Before.Level != rules.Level2 ||
		c.After.Status != rules.Disqualified || c.After.Rank != 0 || c.After.Award != "" || c.After.Level != rules.NoLevel || c.Name != "安*" {
		t.Fatalf("ann: %+v", c)
	}
	if c := got["dan"]; c.Before.Rank != 3 || c.Before.Award != "bronze" || c.After.Rank != 2 || c.After.Award != "silver" {
		t.Fatalf("dan: %+v", c)
	}
	if c := got["cat"]; c.Before.Award != "" || c.After.Award != "bronze" || c.After.AwardTitle != "铜牌" {
		t.Fatalf("cat: %+v", c)
	}
	if _, ok := got["ben"]; ok || len(p.Changes) != 4 { // ann, dan, cat, eve (5th -> 4th)
		t.Fatalf("changes: %+v", p.Changes)
	}
	// Nothing is applied by the preview.
	rv, err := f.svc.Review(ctx, "bc")
	if err != nil || entries(rv)["ann"].Award != "silver" {
		t.Fatalf("after the preview: %v %+v", err, entries(rv)["ann"])
	}
	if _, ok := auditActions(t, f.audit, "bc")["certificate.override"]; ok {
		t.Fatal("the preview was audited as an override")
	}
	// A wrong request is refused as the override would be.
	var ie *InputError
	for _, req := range []OverrideRequest{{Contestant: "nobody", Status: "disqualified"}, {Contestant: "ann", Status: "banned"}, {Contestant: "ann"}} {
		if _, err := f.svc.PreviewOverride(ctx, "bc", req, "org"); !errors.As(err, &ie) {
			t.Errorf("preview %+v: %v", req, err)
		}
	}
	// Applied, the audit log keeps whose results moved.
	if _, err := f.svc.SetOverride(ctx, "bc", OverrideRequest{Contestant: "ann", Status: "disqualified", Reason: "copied"}, "org"); err != nil {
		t.Fatal(err)
	}
	a := auditActions(t, f.audit, "bc")["certificate.override"]
	if moved := jsonList(a.Details["changes"]); !strings.Contains(moved, "dan: rank 3->2, award bronze->silver") || !strings.Contains(moved, "ann: status official->disqualified") {
		t.Fatalf("audit of the override: %+v", a)
	}
	if err := f.svc.ClearOverride(ctx, "bc", "ann", "org", "appeal upheld"); err != nil {
		t.Fatal(err)
	}
	// Making guest official (unofficial out of competition) puts them first.
	p, err = f.svc.PreviewOverride(ctx, "bc", OverrideRequest{Contestant: "guest", Status: "official"}, "org")
	if err != nil || len(p.Changes) == 0 || p.Changes[0].Contestant != "guest" || p.Changes[0].After.Rank != 1 || p.Changes[0].After.Award != "gold" {
		t.Fatalf("guest made official: %v %+v", err, p)
	}
}

// TestIntegrationScoreImportChecks: names must match the accounts, 缺考 is
// a value, and a dry run reports without storing.
func TestIntegrationScoreImportChecks(t *testing.T) {
	f := finalFixture(t)
	ctx := context.Background()
	// Not finalized yet, so scores may still change; the dry run stores nothing.
	file := "用户名,身份证号,姓名,理论成绩\n" +
		"ann,,安娜,90\n" +
		",440304200002294568,本杰明,缺考\n" +
		"cat,,卡 特,70\n" +
		"dan,,王五,50\n" +
		"eve,110105199003071239,,95\n" +
		"guest,,,abc\n"
	chk, err := f.svc.CheckScores(ctx, "bc", "theory", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`line 5: name: "王五" is not the name of dan (*): check the row`,
		"line 6: ID number: is not the ID number of eve",
		`line 7: score: "abc" is not a number in 0..100 or 缺考 (absent)`,
	}
	if strings.Join(chk.Problems, "\n") != strings.Join(want, "\n") {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(chk.Problems, "\n"), strings.Join(want, "\n"))
	}
	if chk.Scores != 2 || chk.Absent != 1 || len(chk.Rows) != 3 || !chk.Rows[1].Absent || chk.Rows[1].Username != "ben" {
		t.Fatalf("check: %+v", chk)
	}
	if _, err := f.svc.ImportScores(ctx, "bc", "theory", []byte(file), "org", "exam"); err == nil || !strings.Contains(err.Error(), "nothing imported") {
		t.Fatalf("import of a bad file: %v", err)
	}
	rv, _ := f.svc.Review(ctx, "bc")
	if e := entries(rv)["ben"]; e.Parts["theory"] != 80 || len(e.Absent) != 0 {
		t.Fatalf("a refused import changed ben: %+v", e)
	}

	// The good rows import; ben's 缺考 is stored as absent, not 0.
	good := "用户名,身份证号,姓名,理论成绩\nann,,安娜,90\n,440304200002294568,本杰明,缺考\ncat,,卡特,70\ndan,,丹,50\neve,,伊芙,95\n"
	chk, err = f.svc.CheckScores(ctx, "bc", "theory", []byte(good))
	if err != nil || !chk.OK() || strings.Join(chk.Missing, ",") != "fay,guest" {
		t.Fatalf("dry run: %v %+v", err, chk)
	}
	if n, err := f.svc.ImportScores(ctx, "bc", "theory", []byte(good), "org", "exam, corrected"); err != nil || n != 5 {
		t.Fatalf("import: %d %v", n, err)
	}
	rv, err = f.svc.Review(ctx, "bc")
	if err != nil {
		t.Fatal(err)
	}
	ben := entries(rv)["ben"]
	if _, has := ben.Parts["theory"]; has || len(ben.Absent) != 1 || ben.Total != 70 || ben.Qualified || ben.Level != rules.NoLevel ||
		!ben.PartScores[0].Absent || !strings.Contains(strings.Join(rules.NoteStrings(ben.Notes), ";"), "absent (缺考) from theory") {
		t.Fatalf("ben absent from theory: %+v", ben)
	}
	if a := auditActions(t, f.audit, "bc")["certificate.scores"]; a.Details["absent"] != float64(1) || a.Details["scores"] != float64(4) {
		t.Fatalf("audit: %+v", a)
	}
	// The exports say 缺考.
	wl, err := f.svc.Winners(ctx, "bc", true)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := wl.WriteCSV(&b, "zh"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "缺考") {
		t.Fatalf("export lacks 缺考:\n%s", b.String())
	}
}

// TestIntegrationMaskedReview: the masked review shows no copy of a name.
func TestIntegrationMaskedReview(t *testing.T) {
	f := finalFixture(t)
	rv, err := f.svc.Review(context.Background(), "bc")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rv.Masked().Entries {
		for _, p := range people {
			if p.Username == e.Contestant && (e.Name == p.Name || e.Holder.Name == p.Name) && len([]rune(p.Name)) > 1 {
				t.Errorf("%s: name %q / %q unmasked", e.Contestant, e.Name, e.Holder.Name)
			}
		}
		if e.Name != e.Holder.Name {
			t.Errorf("%s: two masks %q and %q", e.Contestant, e.Name, e.Holder.Name)
		}
	}
}

// jsonList joins a list decoded from JSON.
func jsonList(v any) string {
	l, _ := v.([]any)
	parts := make([]string, len(l))
	for i, x := range l {
		parts[i], _ = x.(string)
	}
	return strings.Join(parts, "; ")
}
