package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/document"
	"github.com/skillarena/arena/server/submission"
)

// TestIntegrationCertificateCommands loads a contest with certificate rules
// through contest load, plays and finalizes it, then exports the winners
// and checks an exported record offline.
func TestIntegrationCertificateCommands(t *testing.T) {
	r := testenv.StartRedis(t)
	rdb := r.Client()
	ctx := context.Background()
	accounts := account.NewStore(rdb)
	for _, u := range []account.User{
		{Username: "ann", Name: "安娜", Role: account.Contestant, IDNumber: "110105199003071239", Phone: "13812345678", Category: "worker"},
		{Username: "ben", Name: "本杰明", Role: account.Contestant, IDNumber: "440304200002294568", Category: "student"},
	} {
		if err := accounts.Put(ctx, u, "long enough"); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	hello, _ := filepath.Abs("../../challenges/hello")
	start := time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Second)
	yaml := "id: ai-2026\ntitle: {zh: 人工智能训练师竞赛}\nstart: " + start.Format(time.RFC3339) +
		"\nend: " + start.Add(2*time.Hour).Format(time.RFC3339) + "\ntier: city\nchallenges:\n  - package: " + hello +
		"\ncontestants: [ann, ben]\ncertificates:\n  occupation: 人工智能训练师\n  occupation_code: 4-04-05-05\n" +
		"  number: \"AI{yy}{seq:3}\"\n  levels:\n    - {level: 三级, top_n: 1}\n"
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" },
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		return Run(ctx, env, args), out.String(), errb.String()
	}
	file := filepath.Join(dir, "contest.yaml")
	if err := os.WriteFile(file, []byte(strings.Replace(yaml, "top_n: 1", "top_percent: 120", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run("contest", "load", "--redis", r.Addr, "--data", data, file); code != 1 || !strings.Contains(errs, "certificates.levels[0].top_percent: must be in 0..100") {
		t.Fatalf("bad rules loaded: %d %s", code, errs)
	}
	_ = os.WriteFile(file, []byte(yaml), 0o644)
	if code, out, errs := run("contest", "load", "--redis", r.Addr, "--data", data, file); code != 0 {
		t.Fatalf("contest load: %d %s %s", code, out, errs)
	}

	st, err := openStores(ctx, storeFlags{redisAddr: r.Addr, dataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer st.rdb.Close()
	_ = st.submissions.EnsureGroup(ctx)
	for i, s := range []struct {
		user  string
		score float64
	}{{"ben", 4}, {"ann", 10}} {
		sub, err := st.submissions.Submit(ctx, submission.New{Contest: "ai-2026", Challenge: "hello", Contestant: s.user,
			Language: "python3", Blob: "b", MaxScore: 10, Elapsed: int64(60 * (i + 1))})
		if err != nil {
			t.Fatal(err)
		}
		job, err := st.submissions.Take(ctx, "w", time.Minute, 100*time.Millisecond)
		if err != nil || job == nil {
			t.Fatalf("take: %v", err)
		}
		if _, err := st.submissions.Apply(ctx, job, sub, verdict.Result{Outcome: verdict.Scored, Score: s.score, MaxScore: 10}); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, errs := run("export", "winners", "--redis", r.Addr, "--data", data, "--contest", "ai-2026", "--out", "-"); code != 1 || !strings.Contains(errs, "not final") {
		t.Fatalf("export before the unfreeze: %d %s", code, errs)
	}
	if _, err := st.admin.Unfreeze(ctx, "ai-2026", "org", "results"); err != nil {
		t.Fatal(err)
	}
	if _, recs, err := st.certs.Finalize(ctx, "ai-2026", "org", "approved"); err != nil || len(recs) != 2 {
		t.Fatalf("finalize: %v %d", err, len(recs))
	}
	// After finalize, a reload that changes what was issued is refused, and changes nothing.
	_ = os.WriteFile(file, []byte(strings.Replace(yaml, "occupation: 人工智能训练师", "occupation: 数据标注员", 1)), 0o644)
	if code, _, errs := run("contest", "load", "--redis", r.Addr, "--data", data, file); code != 1 || !strings.Contains(errs, "certificates") || !strings.Contains(errs, "issued") {
		t.Fatalf("reload after finalize: %d %s", code, errs)
	}
	if ct, err := st.contests.Get(ctx, "ai-2026"); err != nil || ct.Certificates.Occupation != "人工智能训练师" {
		t.Fatalf("the refused reload changed the contest: %v %+v", err, ct.Certificates)
	}
	_ = os.WriteFile(file, []byte(strings.Replace(yaml, "人工智能训练师竞赛", "人工智能训练师职业技能竞赛", 1)), 0o644)
	if code, _, errs := run("contest", "load", "--redis", r.Addr, "--data", data, file); code != 0 {
		t.Fatalf("a reload that leaves the certificates alone: %d %s", code, errs)
	}

	// The winner list, as XLSX and on standard output as CSV.
	xlsx := filepath.Join(dir, "winners.xlsx")
	if code, _, errs := run("export", "winners", "--redis", r.Addr, "--data", data, "--contest", "ai-2026", "--out", xlsx); code != 0 || !strings.Contains(errs, "wrote 2 row(s)") {
		t.Fatalf("export xlsx: %d %s", code, errs)
	}
	wb, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := wb.GetRows(wb.GetSheetName(0))
	wb.Close()
	beijing, _ := contest.LoadZone("") // the contest names no zone
	yy := time.Now().In(beijing).Format("06")
	if len(rows) != 3 || rows[1][0] != "1" || rows[1][1] != "安娜" || rows[1][4] != "110105199003071239" || !strings.Contains(strings.Join(rows[1], ","), "AI"+yy+"001") || rows[2][1] != "本杰明" {
		t.Fatalf("XLSX: %q", rows)
	}
	// Without --public-url the links point to the default address, and the command says so.
	if !strings.Contains(strings.Join(rows[1], ","), certificate.DefaultPublicURL+"/verify/AI"+yy+"001?code=") {
		t.Fatalf("XLSX links without --public-url: %q", rows[1])
	}
	code, out, errs := run("export", "winners", "--redis", r.Addr, "--data", data, "--contest", "ai-2026", "--format", "csv", "--lang", "en", "--out", "-",
		"--public-url", "https://arena.example.org/")
	if code != 0 || !strings.HasPrefix(out, "\ufeffrank,name,gender") || !strings.Contains(out, "13812345678") ||
		!strings.Contains(out, "https://arena.example.org/verify/AI"+yy+"001?code=") || strings.Contains(errs, "no --public-url") {
		t.Fatalf("export csv: %d %s %s", code, out, errs)
	}
	// --base-url is the same flag under its older name; ARENA_PUBLIC_URL too.
	if code, out, _ := run("export", "winners", "--redis", r.Addr, "--data", data, "--contest", "ai-2026", "--format", "json", "--out", "-",
		"--base-url", "https://old.example.org"); code != 0 || !strings.Contains(out, "https://old.example.org/verify/") {
		t.Fatalf("--base-url: %d %s", code, out)
	}
	if code, _, errs := run("export", "winners", "--redis", r.Addr, "--data", data, "--contest", "ai-2026", "--public-url", "arena.example.org"); code != 1 || !strings.Contains(errs, "--public-url") {
		t.Fatalf("a public URL without a scheme: %d %s", code, errs)
	}
	// The signed records of the whole contest, as arena certificate verify reads them.
	recordsFile := filepath.Join(dir, "records.json")
	if code, _, errs := run("export", "winners", "--redis", r.Addr, "--data", data, "--contest", "ai-2026", "--format", "records", "--out", recordsFile); code != 0 || !strings.Contains(errs, "wrote 2 certificate(s)") {
		t.Fatalf("export records: %d %s", code, errs)
	}
	if code, out, errs := run("certificate", "verify", "--data", data, recordsFile); code != 0 || strings.Count(out, "valid    AI"+yy) != 2 {
		t.Fatalf("verify the exported records: %d %s %s", code, out, errs)
	}
	// Every export is in the audit log.
	entries, err := st.audit.List(ctx, "ai-2026", 100)
	if err != nil {
		t.Fatal(err)
	}
	exports := map[string]int{}
	for _, e := range entries {
		if e.Action == "certificate.export" {
			exports[e.Target]++
		}
	}
	if exports[certificate.ExportWinners] != 3 || exports[certificate.ExportRecords] != 1 {
		t.Fatalf("exports audited: %v", exports)
	}
	if code, _, errs := run("export", "winners", "--redis", r.Addr, "--data", data, "--contest", "ai-2026", "--format", "doc"); code != 1 || !strings.Contains(errs, "--format") {
		t.Fatalf("bad format: %d %s", code, errs)
	}

	// An exported record checks offline with the key in the data dir; a changed one does not.
	rec, err := st.certs.Record(ctx, "AI"+yy+"001")
	if err != nil {
		t.Fatal(err)
	}
	good, _ := json.Marshal(rec)
	recFile := filepath.Join(dir, "record.json")
	_ = os.WriteFile(recFile, good, 0o644)
	if code, out, errs := run("certificate", "verify", "--data", data, recFile); code != 0 || !strings.Contains(out, "valid    AI"+yy+"001  安*") {
		t.Fatalf("verify: %d %s %s", code, out, errs)
	}
	tampered := *rec
	tampered.Level = 1
	bad, _ := json.Marshal([]certificate.Record{*rec, tampered})
	_ = os.WriteFile(recFile, bad, 0o644)
	code, out, errs = run("certificate", "verify", "--key", filepath.Join(data, "keys", certificate.PublicKeyFile), recFile)
	if code != 1 || !strings.Contains(out, "INVALID  AI"+yy+"001") || !strings.Contains(errs, "1 of 2 certificate(s) do not match") {
		t.Fatalf("tampered: %d %s %s", code, out, errs)
	}
	if code, _, errs := run("certificate", "verify", "--data", filepath.Join(dir, "nowhere"), recFile); code != 1 || !strings.Contains(errs, "public key") {
		t.Fatalf("no key: %d %s", code, errs)
	}

	t.Run("pdf", func(t *testing.T) {
		if _, err := document.FindFont(ctx, ""); err != nil {
			testenv.Missing(t, "a Chinese TrueType font: %v", err)
		}
		split := filepath.Join(dir, "pdf")
		all := filepath.Join(dir, "all.pdf")
		if code, _, errs := run("export", "winners", "--redis", r.Addr, "--data", data, "--contest", "ai-2026", "--out", all, "--split", split); code != 0 {
			t.Fatalf("export pdf: %d %s", code, errs)
		}
		for _, p := range []string{all, filepath.Join(split, "AI"+yy+"001.pdf"), filepath.Join(split, "AI"+yy+"002.pdf")} {
			b, err := os.ReadFile(p)
			if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Fatalf("%s: %v", p, err)
			}
		}
	})
}
