package certificate

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/xuri/excelize/v2"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

// fixture is a Redis with the contest of testdata/contest.yaml and its contestants.
type fixture struct {
	rdb   *redis.Client
	svc   *Service
	admin *contest.Admin
	subs  *submission.Store
	audit *audit.Log
	keys  string
	now   time.Time
	// cfg is what svc was made of.
	cfg Config
}

var people = []account.User{
	{Username: "ann", Name: "安娜", Organization: "链科公司", IDNumber: "110105199003071239", Phone: "13812345678", Email: "ann@example.com", Gender: "female", Category: "worker", Education: "本科"},
	{Username: "ben", Name: "本杰明", Organization: "职业学院", IDNumber: "440304200002294568", Gender: "male", Category: "student", Level: 3, Promoted: "2023-07-01"},
	{Username: "cat", Name: "卡特", Organization: "链科公司", IDNumber: "510107198811110024", Gender: "female", Category: "worker", Level: 2, Promoted: "2024-10-01"},
	{Username: "dan", Name: "丹", Organization: "职业学院", IDNumber: "320102199506150043", Gender: "male", Category: "student"},
	{Username: "eve", Name: "伊芙", Organization: "数据公司", IDNumber: "330106198704200075", Gender: "female", Category: "worker", IDType: "passport", BirthDate: "1987-04-21"},
	{Username: "fay", Name: "费伊", Organization: "数据公司", IDNumber: "120101199912310053", Category: "worker"},
	{Username: "guest", Name: "嘉宾", Organization: "友邦", Category: "worker"},
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	now := time.Date(2025, 6, 2, 10, 0, 0, 0, beijing())
	f := &fixture{rdb: rdb, subs: submission.NewStore(rdb), audit: audit.New(rdb), keys: t.TempDir(), now: now}
	accounts := account.NewStore(rdb)
	for _, u := range append(slices.Clone(people), account.User{Username: "org", Role: account.Organizer}) {
		if u.Role == "" {
			u.Role = account.Contestant
		}
		if err := accounts.Put(ctx, u, "password1"); err != nil {
			t.Fatal(err)
		}
	}
	contests, board := contest.NewStore(rdb), scoreboard.NewStore(rdb)
	f.admin = &contest.Admin{Contests: contests, Board: board, Audit: f.audit, Now: func() time.Time { return f.now }}
	f.cfg = Config{Redis: rdb, Contests: contests, Board: board, Accounts: accounts, Audit: f.audit,
		KeyDir: f.keys, Now: func() time.Time { return f.now }}
	f.svc = New(f.cfg)
	return f
}

// load loads testdata/contest.yaml as contest cid, shifted by days, with every person enrolled.
func (f *fixture) load(t *testing.T, cid string, days int) *contest.Contest {
	t.Helper()
	ctx := context.Background()
	data, err := os.ReadFile("testdata/contest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file, err := contest.ParseFile(data)
	if err != nil {
		t.Fatal(err)
	}
	file.ID = cid
	file.Start, file.End = file.Start.AddDate(0, 0, days), file.End.AddDate(0, 0, days)
	resolve := func(_ context.Context, ref string) (contest.Challenge, error) {
		return contest.Challenge{Slug: ref, Kind: "program", Points: 100, Languages: []string{"python3"}, Package: strings.Repeat("a", 64)}, nil
	}
	ct, err := file.Build(ctx, resolve, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.admin.Save(ctx, ct, "org", "contest.create", "test"); err != nil {
		t.Fatal(err)
	}
	var cs []scoreboard.Contestant
	for _, p := range people {
		cs = append(cs, scoreboard.Contestant{ID: p.Username, Name: p.Name, Organization: p.Organization})
	}
	if err := f.admin.Enroll(ctx, cid, cs...); err != nil {
		t.Fatal(err)
	}
	return ct
}

// score submits and grades one attempt.
func (f *fixture) score(t *testing.T, cid, user, slug string, score float64, elapsed int64) {
	t.Helper()
	ctx := context.Background()
	sub, err := f.subs.Submit(ctx, submission.New{Contest: cid, Challenge: slug, Contestant: user, Language: "python3",
		Blob: strings.Repeat("b", 64), FileName: "main.py", MaxScore: 100, Elapsed: elapsed})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.subs.EnsureGroup(ctx); err != nil {
		t.Fatal(err)
	}
	job, err := f.subs.Take(ctx, "test", time.Minute, 100*time.Millisecond)
	if err != nil || job == nil || job.SID != sub.ID {
		t.Fatalf("take %s: %v %v", sub.ID, job, err)
	}
	out := verdict.Scored
	if score == 100 {
		out = verdict.Accepted
	}
	if _, err := f.subs.Apply(ctx, job, sub, verdict.Result{Outcome: out, Score: score, MaxScore: 100}); err != nil {
		t.Fatal(err)
	}
}

// play gives contest cid its results: practical = (chain + ai) / 2.
func (f *fixture) play(t *testing.T, cid string) {
	for i, s := range []struct {
		user      string
		chain, ai float64
	}{
		{"ann", 100, 80}, {"ben", 100, 100}, {"cat", 90, 70}, {"dan", 100, 100}, {"eve", 60, 50}, {"guest", 100, 100},
	} {
		f.score(t, cid, s.user, "chain", s.chain, int64(600+i*60))
		f.score(t, cid, s.user, "ai", s.ai, int64(3600+i*60))
	}
}

func entries(rv *Review) map[string]Entry {
	m := map[string]Entry{}
	for _, e := range rv.Entries {
		m[e.Contestant] = e
	}
	return m
}

func auditActions(t *testing.T, l *audit.Log, cid string) map[string]audit.Entry {
	t.Helper()
	es, err := l.List(context.Background(), cid, 100)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]audit.Entry{}
	for _, e := range es {
		if _, ok := m[e.Action]; !ok {
			m[e.Action] = e
		}
	}
	return m
}

func TestIntegrationReviewFinalizeVerify(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.now = time.Date(2025, 5, 31, 10, 0, 0, 0, beijing()) // running
	f.load(t, "bc", 0)
	if _, err := f.svc.Review(ctx, "bc"); !errors.Is(err, ErrNotFinal) {
		t.Fatalf("review while running: %v", err)
	}
	f.play(t, "bc")

	theory, err := os.ReadFile("testdata/theory.csv")
	if err != nil {
		t.Fatal(err)
	}
	// A bad file changes nothing and says what is wrong, line by line.
	_, err = f.svc.ImportScores(ctx, "bc", "theory", []byte("username,score\nann,101\nnobody,50\nann,40\n"), "org", "exam")
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "line 2: score") || !strings.Contains(err.Error(), `line 3: username: "nobody"`) {
		t.Fatalf("bad score file: %v", err)
	}
	if _, err := f.svc.ImportScores(ctx, "bc", "practical", theory, "org", "exam"); !errors.As(err, &ie) {
		t.Fatalf("scores for a judged part: %v", err)
	}
	if n, err := f.svc.ImportScores(ctx, "bc", "theory", theory, "org", "theory exam of 30 May"); err != nil || n != 6 {
		t.Fatalf("import theory: %d %v", n, err)
	}

	f.now = time.Date(2025, 6, 2, 10, 0, 0, 0, beijing()) // ended, still frozen
	if _, err := f.svc.Review(ctx, "bc"); !errors.Is(err, ErrNotFinal) {
		t.Fatalf("review before the unfreeze: %v", err)
	}
	if _, err := f.admin.Unfreeze(ctx, "bc", "org", "results"); err != nil {
		t.Fatal(err)
	}
	rv, err := f.svc.Review(ctx, "bc")
	if err != nil {
		t.Fatal(err)
	}
	if rv.Participants != 5 {
		t.Fatalf("participants %d, want 5 (guest is unofficial, fay did not take part)", rv.Participants)
	}
	type want struct {
		rank  int
		total float64
		award string
		level rules.Level
		note  string
	}
	check := func(rv *Review, wants map[string]want) {
		t.Helper()
		got := entries(rv)
		for id, w := range wants {
			e := got[id]
			if e.Rank != w.rank || e.Total != w.total || e.Award != w.award || e.Level != w.level {
				t.Errorf("%s: rank %d total %v award %q level %v; want %+v (notes %v)", id, e.Rank, e.Total, e.Award, e.Level, w, e.Notes)
			}
			if w.note != "" && !strings.Contains(strings.Join(rules.NoteStrings(e.Notes), "; "), w.note) {
				t.Errorf("%s: notes %q lack %q", id, e.Notes, w.note)
			}
		}
	}
	check(rv, map[string]want{
		"ben":   {1, 94, "gold", rules.Level2, "holds 三级/高级工: steps up to 二级/技师"},
		"ann":   {2, 90, "silver", rules.Level2, ""},
		"dan":   {3, 85, "bronze", rules.NoLevel, "below the qualifying scores"},
		"cat":   {4, 77, "", rules.NoLevel, "last promoted on 2024-10-01"},
		"eve":   {5, 67, "", rules.NoLevel, ""},
		"guest": {0, 99.7, "", rules.NoLevel, "unofficial"},
		"fay":   {0, 0, "", rules.NoLevel, "did not take part"},
	})
	if m := rv.Masked(); m.Entries[0].Holder.IDNumber != "440304********4568" || m.Entries[0].Holder.Name != "本*明" || rv.Entries[0].Holder.IDNumber != "440304200002294568" {
		t.Fatalf("masking: %+v / %+v", m.Entries[0].Holder, rv.Entries[0].Holder)
	}

	// Overrides need a reason, are audited, and move places when they change a status.
	if _, err := f.svc.SetOverride(ctx, "bc", OverrideRequest{Contestant: "ann", Status: "disqualified"}, "org"); !errors.As(err, &ie) {
		t.Fatalf("override without a reason: %v", err)
	}
	if _, err := f.svc.SetOverride(ctx, "bc", OverrideRequest{Contestant: "ann", Status: "disqualified", Reason: "copied a solution"}, "org"); err != nil {
		t.Fatal(err)
	}
	rv, _ = f.svc.Review(ctx, "bc")
	check(rv, map[string]want{"ann": {0, 90, "", rules.NoLevel, "disqualified"}, "dan": {2, 85, "silver", rules.NoLevel, ""}, "cat": {3, 77, "bronze", rules.NoLevel, ""}})
	if err := f.svc.ClearOverride(ctx, "bc", "ann", "org", "appeal upheld"); err != nil {
		t.Fatal(err)
	}
	for _, req := range []OverrideRequest{
		{Contestant: "eve", Award: "platinum", Reason: "x"},
		{Contestant: "eve", Level: "五级", Reason: "x"}, // below the occupation's lowest
		{Contestant: "nobody", Award: "gold", Reason: "x"},
	} {
		if _, err := f.svc.SetOverride(ctx, "bc", req, "org"); !errors.As(err, &ie) {
			t.Fatalf("override %+v: %v", req, err)
		}
	}
	if _, err := f.svc.SetOverride(ctx, "bc", OverrideRequest{Contestant: "eve", Award: "excellence", Level: "四级", Reason: "jury decision 7"}, "org"); err != nil {
		t.Fatal(err)
	}
	a := auditActions(t, f.audit, "bc")
	if e := a["certificate.override"]; e.Who != "org" || e.Target != "eve" || e.Reason != "jury decision 7" {
		t.Fatalf("audit of the override: %+v", e)
	}
	if e := a["certificate.override.clear"]; e.Target != "ann" || e.Reason != "appeal upheld" {
		t.Fatalf("audit of the cleared override: %+v", e)
	}

	// Finalize: records for the winners, numbered in standings order, signed.
	_, recs, err := f.svc.Finalize(ctx, "bc", "org", "jury approved")
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for _, r := range recs {
		numbers = append(numbers, r.Number+":"+r.Holder.Username)
	}
	if got := strings.Join(numbers, " "); got != "bc-2025-0001:ben bc-2025-0002:ann bc-2025-0003:dan bc-2025-0004:eve" {
		t.Fatalf("records: %s", got)
	}
	if r := recs[3]; r.Level != rules.Level4 || r.Award != "excellence" || r.AwardTitle != "优胜奖" || r.Holder.IDType != "passport" || r.Issued != "2025-06-02" || r.Tier != "provincial-1" {
		t.Fatalf("eve's record: %+v", r)
	}
	if r := recs[0]; r.Holder.IDNumber != "440304200002294568" || r.Holder.Phone != "" || len(r.Parts) != 2 || r.Parts[0].Score != 80 || r.Parts[1].Score != 100 || r.Total != 94 {
		t.Fatalf("ben's record: %+v", r)
	}
	if _, _, err := f.svc.Finalize(ctx, "bc", "org", "again"); !errors.Is(err, ErrFinalized) {
		t.Fatalf("second finalize: %v", err)
	}
	if _, err := f.svc.SetOverride(ctx, "bc", OverrideRequest{Contestant: "cat", Award: "gold", Reason: "late"}, "org"); !errors.Is(err, ErrFinalized) {
		t.Fatalf("override after finalize: %v", err)
	}
	if _, err := f.svc.ImportScores(ctx, "bc", "theory", theory, "org", "late"); !errors.Is(err, ErrFinalized) {
		t.Fatalf("scores after finalize: %v", err)
	}
	// Finalized results are locked: a later result changes nothing.
	f.score(t, "bc", "eve", "chain", 100, 7000)
	locked, err := f.svc.Review(ctx, "bc")
	if err != nil || !locked.Finalized || entries(locked)["eve"].Total != 67 || entries(locked)["ben"].Number != "bc-2025-0001" {
		t.Fatalf("locked review: %v %+v", err, locked)
	}
	if e := auditActions(t, f.audit, "bc")["certificate.finalize"]; e.Who != "org" || e.Reason != "jury approved" || e.Details["records"] != float64(4) {
		t.Fatalf("audit of finalize: %+v", e)
	}

	// Verification: masked holder and a signature that holds.
	v, err := f.svc.Full(ctx, "bc-2025-0001")
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != StatusValid || !v.SignatureValid || v.Holder.Name != "本*明" || v.Holder.IDNumber != "440304********4568" || v.LevelName != "二级/技师" || v.ContestTitle != "区块链应用操作员职业技能竞赛" {
		t.Fatalf("verification: %+v", v)
	}
	if _, err := f.svc.Full(ctx, "bc-2025-9999"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown number: %v", err)
	}

	// Offline: the exported record checks with the published key; a tampered one does not.
	pubPEM, err := os.ReadFile(filepath.Join(f.keys, PublicKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	pubs, err := ParsePublicKeys(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	exported, _ := json.Marshal(recs[1])
	var back Record
	if err := json.Unmarshal(exported, &back); err != nil || VerifyRecord(back, pubs...) != nil {
		t.Fatalf("exported record does not verify: %v", err)
	}
	for _, tamper := range []func(*Record){
		func(r *Record) { r.Level = rules.Level1 },
		func(r *Record) { r.Holder.Name = "冒名" },
		func(r *Record) { r.Total += 0.5 },
		func(r *Record) { r.Issued = "2025-06-03" },
		func(r *Record) { r.Signature = recs[0].Signature },
	} {
		r := back
		r.Holder = back.Holder
		tamper(&r)
		if err := VerifyRecord(r, pubs...); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("tampered record verifies: %+v", r)
		}
	}
	// Tampered in Redis: the verification page says so.
	raw, _ := f.rdb.HGet(ctx, recordsKey("bc"), "bc-2025-0003").Result()
	f.rdb.HSet(ctx, recordsKey("bc"), "bc-2025-0003", strings.Replace(raw, `"rank":3`, `"rank":1`, 1))
	if v, err := f.svc.Full(ctx, "bc-2025-0003"); err != nil || v.Status != StatusInvalid || v.SignatureValid {
		t.Fatalf("tampered record in Redis: %+v %v", v, err)
	}
	f.rdb.HSet(ctx, recordsKey("bc"), "bc-2025-0003", raw)

	// Agency numbers: the national format only, and the record is signed again.
	if _, err := f.svc.SetAgencyNumber(ctx, "bc-2025-0002", "S12345", "org", "agency list"); !errors.As(err, &ie) || !strings.Contains(err.Error(), "22") {
		t.Fatalf("short agency number: %v", err)
	}
	if r, err := f.svc.SetAgencyNumber(ctx, "bc-2025-0002", "S000044010001245001234", "org", "agency list"); err != nil || r.AgencyNumber != "S000044010001245001234" || VerifyRecord(*r, pubs...) != nil {
		t.Fatalf("agency number: %+v %v", r, err)
	}

	// Revocation shows, with its reason.
	if _, err := f.svc.Revoke(ctx, "bc-2025-0004", "org", ""); !errors.As(err, &ie) {
		t.Fatalf("revoke without a reason: %v", err)
	}
	if _, err := f.svc.Revoke(ctx, "bc-2025-0004", "org", "identity fraud"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Revoke(ctx, "bc-2025-0004", "org", "twice"); !errors.Is(err, ErrRevoked) {
		t.Fatalf("second revoke: %v", err)
	}
	v, _ = f.svc.Full(ctx, "bc-2025-0004")
	if v.Status != StatusRevoked || !v.SignatureValid || v.Revoked == nil || v.Revoked.Reason != "identity fraud" || v.Revoked.By != "" {
		t.Fatalf("revoked: %+v", v)
	}
	if e := auditActions(t, f.audit, "bc")["certificate.revoke"]; e.Target != "bc-2025-0004" || e.Reason != "identity fraud" {
		t.Fatalf("audit of the revocation: %+v", e)
	}

	// A person promoted here is not promoted again within a year elsewhere:
	// ann tops a second contest three months later.
	f.now = time.Date(2025, 9, 1, 10, 0, 0, 0, beijing())
	f.load(t, "bc2", 90)
	f.score(t, "bc2", "ann", "chain", 100, 60)
	f.score(t, "bc2", "ann", "ai", 100, 120)
	f.score(t, "bc2", "dan", "chain", 100, 60)
	f.score(t, "bc2", "dan", "ai", 90, 120)
	if _, err := f.svc.ImportScores(ctx, "bc2", "theory", []byte("username,score\nann,90\ndan,90\n"), "org", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.admin.Unfreeze(ctx, "bc2", "org", ""); err != nil {
		t.Fatal(err)
	}
	rv2, err := f.svc.Review(ctx, "bc2")
	if err != nil {
		t.Fatal(err)
	}
	if e := entries(rv2)["ann"]; e.Rank != 1 || e.Target != rules.Level2 || e.Level != rules.NoLevel || !strings.Contains(strings.Join(rules.NoteStrings(e.Notes), ";"), "last promoted on 2025-06-02") {
		t.Fatalf("ann in the second contest: %+v", e)
	}
	if e := entries(rv2)["dan"]; e.Level != rules.Level3 {
		t.Fatalf("dan in the second contest: %+v", e)
	}
}

func TestIntegrationExportsReadBackEqualTheStandings(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.load(t, "bc", 0)
	f.play(t, "bc")
	theory, _ := os.ReadFile("testdata/theory.csv")
	if _, err := f.svc.ImportScores(ctx, "bc", "theory", theory, "org", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.admin.Unfreeze(ctx, "bc", "org", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Finalize(ctx, "bc", "org", "results approved"); err != nil {
		t.Fatal(err)
	}
	rv, err := f.svc.Review(ctx, "bc")
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.svc.Winners(ctx, "bc", true)
	if err != nil {
		t.Fatal(err)
	}
	// The standings as the review has them: every eligible participant, in order.
	var want [][]string
	for _, e := range rv.Entries {
		if e.Eligible {
			want = append(want, []string{strconv.Itoa(e.Rank), e.Holder.Name, e.Holder.IDNumber,
				strconv.FormatFloat(e.Parts["theory"], 'f', -1, 64), strconv.FormatFloat(e.Parts["practical"], 'f', -1, 64),
				strconv.FormatFloat(e.Total, 'f', -1, 64), e.AwardTitle, e.Level.String(), e.Number})
		}
	}
	if len(want) != 5 {
		t.Fatalf("standings: %v", want)
	}
	pick := func(header, row []string) []string {
		col := func(name string) string {
			i := slices.Index(header, name)
			if i < 0 {
				t.Fatalf("no column %q in %q", name, header)
			}
			if i >= len(row) {
				return ""
			}
			return row[i]
		}
		return []string{col("名次"), col("姓名"), col("证件号码"), col("理论成绩"), col("实操成绩"), col("总成绩"), col("奖项"), col("证书等级"), col("证书编号")}
	}

	var csvBuf bytes.Buffer
	if err := list.WriteCSV(&csvBuf, "zh"); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(csvBuf.Bytes(), []byte("\xef\xbb\xbf")) || !bytes.Contains(csvBuf.Bytes(), []byte("\r\n")) {
		t.Fatal("CSV lacks the BOM or CRLF line ends")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvBuf.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"性别", "证件类型", "工作单位", "人员类别", "竞赛名称", "竞赛级别", "职业名称", "职业编码", "工种", "现有等级", "联系电话", "电子邮箱"} {
		if !slices.Contains(rows[0], h) {
			t.Errorf("CSV has no column %s", h)
		}
	}
	assertRows(t, "CSV", rows, want, pick)
	if i := slices.Index(rows[0], "联系电话"); rows[2][i] != "13812345678" {
		t.Fatalf("ann's phone in the export: %q", rows[2][i])
	}

	var xBuf bytes.Buffer
	if err := list.WriteXLSX(&xBuf, "zh"); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&xBuf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet := x.GetSheetName(0)
	xrows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	assertRows(t, "XLSX", xrows, want, pick)
	panes, err := x.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Fatalf("first row not frozen: %+v %v", panes, err)
	}
	style, _ := x.GetCellStyle(sheet, "B1")
	st, err := x.GetStyle(style)
	if err != nil || st.Font == nil || !st.Font.Bold || len(st.Fill.Color) == 0 {
		t.Fatalf("header style: %+v %v", st, err)
	}
	if w, _ := x.GetColWidth(sheet, "E"); w < 20 {
		t.Fatalf("ID number column is %v wide", w)
	}
	if cell, _ := x.GetCellValue(sheet, "E2"); cell != want[0][2] {
		t.Fatalf("ID number as text: %q", cell)
	}

	// English headers, and only winners by default.
	winners, err := f.svc.Winners(ctx, "bc", false)
	if err != nil {
		t.Fatal(err)
	}
	csvBuf.Reset()
	_ = winners.WriteCSV(&csvBuf, "en")
	rows, _ = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvBuf.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
	if len(rows) != 4 || rows[0][0] != "rank" || rows[0][1] != "name" || !slices.Contains(rows[0], "certificate_number") {
		t.Fatalf("winners only, English: %q", rows)
	}
}

func assertRows(t *testing.T, what string, rows, want [][]string, pick func(header, row []string) []string) {
	t.Helper()
	if len(rows) != len(want)+1 {
		t.Fatalf("%s: %d rows, want %d and a header", what, len(rows), len(want))
	}
	for i, w := range want {
		if got := pick(rows[0], rows[i+1]); !slices.Equal(got, w) {
			t.Errorf("%s row %d: %q, want %q", what, i+1, got, w)
		}
	}
}

// beijing is China Standard Time, where the test contests take place.
func beijing() *time.Location { return time.FixedZone("CST", 8*3600) }

// TestIntegrationIssuedInTheContestZone dates certificates by the day in
// the contest's zone: 02:00 UTC is already 2 June in Beijing, still 1 June
// in New York.
func TestIntegrationIssuedInTheContestZone(t *testing.T) {
	for _, tc := range []struct{ zone, issued string }{
		{"", "2025-06-02"},
		{"America/New_York", "2025-06-01"},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			ct := f.load(t, "bc", 0)
			ct.Timezone = tc.zone
			if err := f.admin.Save(ctx, ct, "org", "contest.update", "zone"); err != nil {
				t.Fatal(err)
			}
			f.play(t, "bc")
			theory, _ := os.ReadFile("testdata/theory.csv")
			if _, err := f.svc.ImportScores(ctx, "bc", "theory", theory, "org", ""); err != nil {
				t.Fatal(err)
			}
			f.now = time.Date(2025, 6, 2, 2, 0, 0, 0, time.UTC)
			if _, err := f.admin.Unfreeze(ctx, "bc", "org", ""); err != nil {
				t.Fatal(err)
			}
			_, recs, err := f.svc.Finalize(ctx, "bc", "org", "results final")
			if err != nil || len(recs) == 0 {
				t.Fatalf("finalize: %d records, %v", len(recs), err)
			}
			if recs[0].Issued != tc.issued {
				t.Fatalf("issued %s in %q, want %s", recs[0].Issued, tc.zone, tc.issued)
			}
		})
	}
}
