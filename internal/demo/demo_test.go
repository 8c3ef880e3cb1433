package demo

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/ratelimit"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

const password = "arena-demo"

func newDeps(t *testing.T) Deps {
	t.Helper()
	rdb := testenv.StartRedis(t).Client()
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d := Deps{Accounts: account.NewStore(rdb), Blobs: blobs, Submissions: submission.NewStore(rdb)}
	contests, board, log := contest.NewStore(rdb), scoreboard.NewStore(rdb), audit.New(rdb)
	d.Admin = &contest.Admin{Contests: contests, Accounts: d.Accounts, Board: board, Audit: log}
	d.Certificates = certificate.New(certificate.Config{Redis: rdb, Contests: contests, Board: board, Accounts: d.Accounts,
		Audit: log, KeyDir: t.TempDir(), Lookups: ratelimit.New(rdb, "verify-addr", 100, time.Hour),
		WrongCodes: ratelimit.New(rdb, "verify-code", 100, time.Hour)})
	return d
}

// TestIntegrationDemoFinal loads the demo twice into a real Redis and
// checks that the finished contest is ready for the certificate review
// with the flags the walkthrough shows, that loading again changes
// nothing, and that override, finalize, export and verification work on it.
func TestIntegrationDemoFinal(t *testing.T) {
	ctx := context.Background()
	d := newDeps(t)
	now := time.Now()
	for range 2 {
		if err := Load(ctx, d, password, now); err != nil {
			t.Fatal(err)
		}
	}
	ct, err := d.Admin.Contests.Get(ctx, FinalID)
	if err != nil {
		t.Fatal(err)
	}
	if ct.StateAt(now) != contest.Ended || !ct.Unfrozen || !slices.Equal(ct.Staff.Organizers, []string{"organizer"}) ||
		!slices.Equal(ct.Staff.Judges, []string{"judge"}) {
		t.Fatalf("contest %s: state %s, unfrozen %v, staff %+v; want ended, unfrozen, organizer and judge", FinalID, ct.StateAt(now), ct.Unfrozen, ct.Staff)
	}
	if loc, _ := time.LoadLocation(FinalZone); ct.Timezone != FinalZone || ct.Start.In(loc).Hour() != 9 || ct.End.Sub(ct.Start) != 3*time.Hour {
		t.Fatalf("schedule %s to %s, want 09:00 to 12:00 in %s", ct.Start, ct.End, FinalZone)
	}
	members, err := d.Admin.Contests.Members(ctx, FinalID)
	if err != nil || len(members) != 12 {
		t.Fatalf("members %v (%v), want 12", members, err)
	}
	subs, err := d.Submissions.List(ctx, FinalID, submission.Filter{}, 1000, 1000)
	if err != nil || len(subs) != len(attempts) {
		t.Fatalf("%d submissions (%v), want %d: a second load must add none", len(subs), err, len(attempts))
	}
	for _, s := range subs {
		if s.Status != submission.Done || s.SubmittedAt.Before(ct.Start) || !s.SubmittedAt.Before(ct.End) {
			t.Fatalf("submission %+v: want judged, made during the contest", s)
		}
	}
	entries, err := d.Admin.Audit.List(ctx, FinalID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range entries {
		actions[e.Action]++
	}
	if actions["certificate.scores"] != 1 || actions["contest.unfreeze"] != 1 || actions["contest.create"] != 1 {
		t.Fatalf("audited %v, want one import, one unfreeze, one create", actions)
	}

	rev, err := d.Certificates.Review(ctx, FinalID)
	if err != nil {
		t.Fatal(err)
	}
	if rev.Participants != 12 || rev.Finalized {
		t.Fatalf("review: %d participants, finalized %v; want 12, not finalized", rev.Participants, rev.Finalized)
	}
	flags := map[string]certificate.Entry{}
	for _, e := range rev.Entries {
		flags[e.Contestant] = e
	}
	hasNote := func(e certificate.Entry, code rules.NoteCode) bool {
		return slices.ContainsFunc(e.Notes, func(n rules.Note) bool { return n.Code == code })
	}
	for _, c := range []struct {
		user    string
		rank    int
		total   float64
		award   string
		current rules.Level
		level   rules.Level
		note    rules.NoteCode
	}{
		{"alice", 1, 97.6, "gold", rules.Level3, rules.Level2, rules.NoteStepUp}, // holds 三级: steps up
		{"bob", 2, 95.5, "silver", 0, rules.Level4, ""},                          // a student in the top 4
		{"carol", 3, 87.65, "bronze", 0, rules.Level3, ""},                       // a worker in the top 4
		{"dai", 4, 86.5, "excellence", 0, rules.Level4, ""},
		{"feng", 5, 79.25, "excellence", rules.Level4, 0, rules.NoteInterval}, // promoted half a year ago
		{"gao", 6, 69.5, "excellence", 0, 0, ""},                              // under 70: no level
		{"hu", 7, 59.25, "", 0, 0, rules.NoteUnqualified},
		{"shen", 12, 21.6, "", 0, 0, ""}, // the theory exam only
	} {
		e, ok := flags[c.user]
		if !ok {
			t.Fatalf("%s is not under review", c.user)
		}
		if e.Rank != c.rank || e.Total != c.total || e.Award != c.award || e.Current != c.current || e.Level != c.level ||
			c.note != "" && !hasNote(e, c.note) {
			t.Errorf("%s: rank %d, total %v, award %q, holds %d, level %d, notes %v; want %d, %v, %q, %d, %d, note %q",
				c.user, e.Rank, e.Total, e.Award, e.Current, e.Level, e.Notes, c.rank, c.total, c.award, c.current, c.level, c.note)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// The walkthrough: an override with a reason, finalize, export, verify.
	if _, err := d.Certificates.SetOverride(ctx, FinalID, certificate.OverrideRequest{Contestant: "gao", Level: "四级",
		Reason: "practical part re-marked by the jury"}, "organizer"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Certificates.SetOverride(ctx, FinalID, certificate.OverrideRequest{Contestant: "gao", Level: "四级"}, "organizer"); err == nil {
		t.Fatal("an override without a reason was taken")
	}
	_, recs, err := d.Certificates.Finalize(ctx, FinalID, "organizer", "reviewed")
	if err != nil {
		t.Fatal(err)
	}
	issued := map[string]certificate.Record{}
	for _, r := range recs {
		issued[r.Holder.Username] = r
	}
	if len(recs) != 6 || issued["gao"].Level != rules.Level4 || issued["alice"].Level != rules.Level2 {
		t.Fatalf("issued %d certificates (%+v), want 6 with gao at 四级 and alice at 二级", len(recs), issued)
	}
	list, err := d.Certificates.Winners(ctx, FinalID, false)
	if err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	if err := list.WriteCSV(&csv, "zh"); err != nil {
		t.Fatal(err)
	}
	if !list.Final || len(list.Winners) != 6 || !strings.Contains(csv.String(), issued["alice"].Number) || !strings.Contains(csv.String(), "330106199507160427") {
		t.Fatalf("winner list final %v, %d winners; CSV:\n%s", list.Final, len(list.Winners), csv.String())
	}
	var alice certificate.Winner
	for _, w := range list.Winners {
		if w.Username == "alice" {
			alice = w
		}
	}
	v, err := d.Certificates.Verify(ctx, certificate.Lookup{Number: alice.Number, Code: alice.Code, Client: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != "valid" || !v.SignatureValid || v.Scope != certificate.ScopeFull || v.Level != rules.Level2 || v.Contest != FinalID {
		t.Fatalf("verification %+v, want valid, full, 二级 in %s", v, FinalID)
	}
	keys, err := d.Certificates.Keys().Public(ctx)
	if err != nil || len(keys) == 0 {
		t.Fatalf("keys %v, %v", keys, err)
	}
	pubs, err := certificate.ParsePublicKeys([]byte(keys[0].PEM))
	if err != nil {
		t.Fatal(err)
	}
	if err := certificate.VerifyRecord(issued["alice"], pubs...); err != nil {
		t.Fatalf("offline check of alice's record: %v", err)
	}

	// Loading again keeps the finalized review as it is.
	if err := Load(ctx, d, password, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	rev, err = d.Certificates.Review(ctx, FinalID)
	if err != nil || !rev.Finalized {
		t.Fatalf("after a reload: finalized %v, %v", rev != nil && rev.Finalized, err)
	}
	if subs, _ := d.Submissions.List(ctx, FinalID, submission.Filter{}, 1000, 1000); len(subs) != len(attempts) {
		t.Fatalf("after a reload: %d submissions, want %d", len(subs), len(attempts))
	}
}
