package certificate

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/refusal"
)

// finalized loads contest cid, shifted by days, plays it, imports its
// theory scores, unfreezes it and finalizes it; the clock stands two days
// after its start.
func (f *fixture) finalized(t *testing.T, cid string, days int) []Record {
	t.Helper()
	ctx := context.Background()
	f.now = time.Date(2025, 6, 2, 10, 0, 0, 0, beijing()).AddDate(0, 0, days)
	f.load(t, cid, days)
	f.play(t, cid)
	theory, err := os.ReadFile("testdata/theory.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ImportScores(ctx, cid, "theory", theory, "org", "exam"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.admin.Unfreeze(ctx, cid, "org", "results"); err != nil {
		t.Fatal(err)
	}
	_, recs, err := f.svc.Finalize(ctx, cid, "org", "results approved")
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// csvRows reads the winner list of cid (with all, every participant) as
// its header and its CSV rows by username.
func csvRows(t *testing.T, svc *Service, cid string, all bool) ([]string, map[string]map[string]string) {
	t.Helper()
	list, err := svc.Winners(context.Background(), cid, all)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := list.WriteCSV(&buf, "zh"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out[m["用户名"]] = m
	}
	return rows[0], out
}

// TestIntegrationIssuedListStaysIssued: after finalize, a reload that
// touches the certificate rules, parts or challenges is refused, and the
// winner list always says what the signed records say, even when the
// stored contest changed behind the platform's back.
func TestIntegrationIssuedListStaysIssued(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.admin.Finalized = f.svc.Finalized
	f.load(t, "bc", 0)
	f.play(t, "bc")
	if _, err := f.admin.Unfreeze(ctx, "bc", "org", "results"); err != nil {
		t.Fatal(err)
	}
	// Finalizing cannot be undone: it needs a reason.
	var ie *InputError
	for _, reason := range []string{"", "  "} {
		if _, _, err := f.svc.Finalize(ctx, "bc", "org", reason); !errors.As(err, &ie) || !strings.Contains(err.Error(), "reason") {
			t.Fatalf("finalize with reason %q: %v", reason, err)
		}
	}
	if done, _ := f.svc.Finalized(ctx, "bc"); done {
		t.Fatal("a finalize without a reason finalized")
	}
	theory, _ := os.ReadFile("testdata/theory.csv")
	if _, err := f.svc.ImportScores(ctx, "bc", "theory", theory, "org", "exam"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetOverride(ctx, "bc", OverrideRequest{Contestant: "eve", Level: "四级", Reason: "评审委员会决定"}, "org"); err != nil {
		t.Fatal(err)
	}
	_, recs, err := f.svc.Finalize(ctx, "bc", "org", "results approved")
	if err != nil || len(recs) == 0 {
		t.Fatalf("finalize: %v %d", err, len(recs))
	}
	_, before := csvRows(t, f.svc, "bc", false)
	// The columns the agency asks for: issue date, birth date (from the
	// resident ID, or as imported), education, the basis of each promotion.
	for _, r := range recs {
		row := before[r.Holder.Username]
		if row["发证日期"] != "2025-06-02" || row["发证日期"] != r.Issued {
			t.Errorf("%s: issued %q, signed %q", r.Number, row["发证日期"], r.Issued)
		}
		if r.Level.Valid() && r.Holder.Username != "eve" && !strings.HasPrefix(row["晋级依据"], "按竞赛规则") {
			t.Errorf("%s: basis %q", r.Number, row["晋级依据"])
		}
	}
	for user, want := range map[string][2]string{"ann": {"1990-03-07", "本科"}, "eve": {"1987-04-21", ""}, "ben": {"2000-02-29", ""}} {
		if row := before[user]; row["出生日期"] != want[0] || row["文化程度"] != want[1] {
			t.Errorf("%s: birth date %q, education %q, want %q", user, row["出生日期"], row["文化程度"], want)
		}
	}
	if got := before["eve"]["晋级依据"]; got != "组委会调整：评审委员会决定" {
		t.Errorf("eve's basis: %q", got)
	}

	ct, err := f.cfg.Contests.Get(ctx, "bc")
	if err != nil {
		t.Fatal(err)
	}
	changed := func(change func(c *contest.Contest)) *contest.Contest {
		c, _ := f.cfg.Contests.Get(ctx, "bc")
		rs := *c.Certificates
		c.Certificates = &rs
		c.Challenges = slices.Clone(c.Challenges)
		change(c)
		return c
	}
	swapParts := func(c *contest.Contest) {
		c.Certificates.Parts = []rules.Part{c.Certificates.Parts[1], c.Certificates.Parts[0]}
		c.Certificates.Occupation = "区块链工程技术人员"
	}
	for _, tc := range []struct {
		name   string
		change func(c *contest.Contest)
		field  string
	}{
		{"occupation and parts", swapParts, "certificates"},
		{"tier", func(c *contest.Contest) { c.Tier = "national-1" }, "tier"},
		{"a challenge's points", func(c *contest.Contest) { c.Challenges[0].Points = 50 }, "challenges"},
		{"scoring", func(c *contest.Contest) { c.Scoring = contest.ScoringICPC }, "scoring"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := f.admin.Save(ctx, changed(tc.change), "org", "contest.update", "contest.yaml loaded")
			r, ok := refusal.As(err)
			if !ok || r.Kind != refusal.Conflict || !strings.Contains(err.Error(), tc.field) || !strings.Contains(err.Error(), "issued") {
				t.Fatalf("reload after finalize: %v", err)
			}
		})
	}
	if now, _ := f.cfg.Contests.Get(ctx, "bc"); now.Certificates.Occupation != ct.Certificates.Occupation || now.Tier != ct.Tier {
		t.Fatal("a refused reload changed the contest")
	}
	// What the certificates were not issued from may change.
	if err := f.admin.Save(ctx, changed(func(c *contest.Contest) { c.Title.En = "Blockchain Contest" }), "org", "contest.update", "typo"); err != nil {
		t.Fatalf("a reload that leaves the certificates alone: %v", err)
	}

	// Even a contest changed in storage leaves the issued list as signed:
	// the occupation of the records, each part's score under its own column.
	if err := f.cfg.Contests.Put(ctx, changed(swapParts)); err != nil {
		t.Fatal(err)
	}
	header, after := csvRows(t, f.svc, "bc", false)
	if !slices.Contains(header, "理论成绩") || !slices.Contains(header, "实操成绩") {
		t.Fatalf("header: %q", header)
	}
	for _, r := range recs {
		row := after[r.Holder.Username]
		if row["职业名称"] != "区块链应用操作员" || row["职业名称"] != r.Occupation {
			t.Errorf("%s: occupation %q, signed %q", r.Number, row["职业名称"], r.Occupation)
		}
		for _, p := range r.Parts {
			if got, err := strconv.ParseFloat(row[p.Title+"成绩"], 64); err != nil || math.Abs(got-p.Score) > 0.005 {
				t.Errorf("%s: %s %q, signed %v", r.Number, p.Title, row[p.Title+"成绩"], p.Score)
			}
		}
		for k, v := range before[r.Holder.Username] {
			if row[k] != v {
				t.Errorf("%s: %s was %q before the change, %q after", r.Number, k, v, row[k])
			}
		}
	}
}

// TestIntegrationPlatformRemembersItsCertificates: a contestant promoted
// by one contest holds that level in the next, whatever their imported
// level says, and the list names the certificate they hold.
func TestIntegrationPlatformRemembersItsCertificates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	first := f.finalized(t, "bc", 0)
	issued := map[string]Record{}
	for _, r := range first {
		if r.Level.Valid() {
			issued[r.Holder.Username] = r
		}
	}
	if len(issued) == 0 {
		t.Fatal("the first contest promoted nobody")
	}
	// A year and a half later, the same people, their imported levels out of date.
	f.now = f.now.AddDate(0, 18, 0)
	f.load(t, "bc2", 548)
	f.play(t, "bc2")
	theory, _ := os.ReadFile("testdata/theory.csv")
	if _, err := f.svc.ImportScores(ctx, "bc2", "theory", theory, "org", "exam"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.admin.Unfreeze(ctx, "bc2", "org", "results"); err != nil {
		t.Fatal(err)
	}
	rv, err := f.svc.Review(ctx, "bc2")
	if err != nil {
		t.Fatal(err)
	}
	es := entries(rv)
	for user, r := range issued {
		e := es[user]
		imported := rules.Level(people[slices.IndexFunc(people, func(u account.User) bool { return u.Username == user })].Level)
		if e.Current != min(r.Level, orLowest(imported)) || e.HeldNumber == "" {
			t.Errorf("%s: holds %s (certificate %q), imported %s, issued here %s (%s)", user, e.Current, e.HeldNumber, imported, r.Level, r.Number)
		}
		if e.Current == r.Level && e.HeldNumber != r.Number {
			t.Errorf("%s: the held certificate is %q, want %s", user, e.HeldNumber, r.Number)
		}
		// Never the same certificate again: none, or a higher level.
		if e.Level != rules.NoLevel && e.Level >= r.Level {
			t.Errorf("%s: gets %s again, already holding %s", user, e.Level, r.Level)
		}
	}
	_, rows := csvRows(t, f.svc, "bc2", true)
	for user, r := range issued {
		if es[user].Current == r.Level && rows[user]["现有等级证书编号"] != r.Number {
			t.Errorf("%s: the list's held certificate %q, want %s", user, rows[user]["现有等级证书编号"], r.Number)
		}
	}
}

// orLowest is l, or a level below every level when l is none.
func orLowest(l rules.Level) rules.Level {
	if !l.Valid() {
		return rules.Level5 + 1
	}
	return l
}
