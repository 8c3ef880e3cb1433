package api

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/skillarena/arena/internal/arenatest"
	"github.com/skillarena/arena/server/certificate/rules"
)

// TestIntegrationCertificatePreviewAndScoreDryRun: a status change is
// previewed (who moves, before and after) and then applied with a reason;
// a score file is checked with dry_run before it is imported.
func TestIntegrationCertificatePreviewAndScoreDryRun(t *testing.T) {
	f := certFixture(t)
	ctx := context.Background()
	ct, err := f.Contests.Get(ctx, "fin")
	if err != nil {
		t.Fatal(err)
	}
	ct.Certificates.Parts = []rules.Part{{Name: "theory", Title: "理论", Weight: 0.5}, {Name: "practical", Weight: 0.5, Challenges: []string{"hello"}}}
	if err := f.Admin.Save(ctx, ct, "org", "contest.update", "theory exam added"); err != nil {
		t.Fatal(err)
	}
	if st, b, _ := f.Call(t, "POST", "/api/contests/fin/unfreeze", "org", `{"reason":"results"}`); st != 200 {
		t.Fatalf("unfreeze: %d %s", st, b)
	}

	upload := func(fields map[string]string, file string) (int, map[string]any) {
		t.Helper()
		body, ctype := arenatest.MultipartBody(fields, file)
		resp := f.Request(t, "POST", "/api/contests/fin/certificates/scores", "org", ctype, body)
		b, _ := io.ReadAll(resp.Body)
		var out map[string]any
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
		return resp.StatusCode, out
	}
	bad := "username,name,score\nann,张三,90\nben,本杰明,缺考\n"
	st, out := upload(map[string]string{"part": "theory", "dry_run": "1"}, bad)
	if st != 200 || out["ok"] != false || out["absent"] != float64(1) || !strings.Contains(jsonText(out["problems"]), `line 2: name: \"张三\" is not the name of ann`) {
		t.Fatalf("dry run: %d %v", st, out)
	}
	st, out = upload(map[string]string{"part": "theory", "reason": "exam"}, bad)
	if st != 400 || !strings.Contains(jsonText(out), "nothing imported") {
		t.Fatalf("import of a bad file: %d %v", st, out)
	}
	good := "username,name,score\nann,安娜,90\nben,本杰明,缺考\n"
	st, out = upload(map[string]string{"part": "theory", "dry_run": "true"}, good)
	if st != 200 || out["ok"] != true || out["scores"] != float64(1) || !strings.Contains(jsonText(out["rows"]), `"name":"安*"`) {
		t.Fatalf("dry run of a good file: %d %v", st, out)
	}
	if _, b, _ := f.Call(t, "GET", "/api/contests/fin/certificates", "org", ""); strings.Contains(string(b), `"absent"`) {
		t.Fatalf("the dry run stored scores: %s", b)
	}
	if st, out = upload(map[string]string{"part": "theory", "reason": "exam"}, good); st != 200 || out["scores"] != float64(2) {
		t.Fatalf("import: %d %v", st, out)
	}
	_, b, _ := f.Call(t, "GET", "/api/contests/fin/certificates", "org", "")
	for _, name := range []string{"安娜", "本杰明"} {
		if strings.Contains(string(b), name) {
			t.Errorf("the review shows %q unmasked", name)
		}
	}
	if !strings.Contains(string(b), `"absent":["theory"]`) || !strings.Contains(string(b), `"code":"absent_part"`) {
		t.Fatalf("ben absent from theory: %s", b)
	}

	// Preview: disqualifying ann moves ben up to gold and 三级; nothing is applied yet.
	st, b, _ = f.Call(t, "POST", "/api/contests/fin/certificates/overrides/preview", "org", `{"contestant":"ann","status":"disqualified"}`)
	var p struct {
		Changes []struct {
			Contestant, Name string
			Before, After    struct {
				Status string
				Rank   int
				Award  string
				Level  int
			}
		}
	}
	if st != 200 || json.Unmarshal(b, &p) != nil || len(p.Changes) != 2 {
		t.Fatalf("preview: %d %s", st, b)
	}
	if c := p.Changes[0]; c.Contestant != "ben" || c.Before.Rank != 2 || c.After.Rank != 1 || c.After.Award != "gold" || c.After.Level != 3 {
		t.Fatalf("ben: %+v", c)
	}
	if c := p.Changes[1]; c.Contestant != "ann" || c.Name != "安*" || c.Before.Award != "gold" || c.After.Status != "disqualified" || c.After.Award != "" {
		t.Fatalf("ann: %+v", c)
	}
	if st, b, _ := f.Call(t, "POST", "/api/contests/fin/certificates/overrides/preview", "org", `{"contestant":"nobody","status":"disqualified"}`); st != 400 {
		t.Fatalf("preview of a stranger: %d %s", st, b)
	}
	if st, _, _ := f.Call(t, "POST", "/api/contests/fin/certificates/overrides/preview", "ann", `{"contestant":"ann","status":"official"}`); st != 403 {
		t.Fatalf("preview by a contestant: %d", st)
	}
	if _, b, _ := f.Call(t, "GET", "/api/contests/fin/certificates", "org", ""); strings.Contains(string(b), `"override"`) {
		t.Fatalf("the preview applied: %s", b)
	}
	// Applied with a reason, audited.
	if st, b, _ := f.Call(t, "POST", "/api/contests/fin/certificates/overrides", "org", `{"contestant":"ann","status":"disqualified","reason":"copied"}`); st != 200 {
		t.Fatalf("apply: %d %s", st, b)
	}
	es, err := f.Audit.List(ctx, "fin", 10)
	if err != nil || es[0].Action != "certificate.override" || es[0].Reason != "copied" {
		t.Fatalf("audit: %v %+v", err, es)
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
