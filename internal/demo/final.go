package demo

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/submission"
)

// FinalID is the id of the demo's finished contest.
const FinalID = "demo-final"

// FinalZone is where the finished contest took place.
const FinalZone = "Asia/Shanghai"

//go:embed final/contest.yaml final/theory.csv
var finalFiles embed.FS

// Finalists are the finished contest's contestants besides alice, bob and
// carol: workers and students; feng holds 四级, to which she was promoted
// half a year before the demo loads (see finalists).
var Finalists = []account.User{
	{Username: "dai", Name: "戴宇航", Organization: "上海电子信息职业技术学院", IDNumber: "31011520050611083X", Gender: "male", Category: "student"},
	{Username: "feng", Name: "冯晓燕", Organization: "武汉光谷数据中心", IDNumber: "42010219920903092X", Gender: "female", Category: "worker", Level: 4},
	{Username: "gao", Name: "高志强", Organization: "北京数智科技有限公司", IDNumber: "110108198902280733", Gender: "male", Category: "worker"},
	{Username: "hu", Name: "胡雨欣", Organization: "厦门软件职业技术学院", IDNumber: "350203200411270221", Gender: "female", Category: "student"},
	{Username: "jiang", Name: "江海波", Organization: "重庆两江数据有限公司", IDNumber: "500103198710150310", Gender: "male", Category: "worker"},
	{Username: "lin", Name: "林思琪", Organization: "西安职业技术学院", IDNumber: "610113200503020423", Gender: "female", Category: "student"},
	{Username: "ma", Name: "马俊杰", Organization: "沈阳工业数据服务中心", IDNumber: "210102199406200538", Gender: "male", Category: "worker"},
	{Username: "qian", Name: "钱梦瑶", Organization: "广州番禺职业技术学院", IDNumber: "440106200305170628", Gender: "female", Category: "student"},
	{Username: "shen", Name: "沈立", Organization: "深圳南山数据服务公司", IDNumber: "440305199103120410", Gender: "male", Category: "worker"},
}

// attempt is one submission of the finished contest: a reference solution
// of the challenge's package (solutions/<outcome or score>/<file>), whose
// expected result `arena challenge verify` checks, made minute minutes
// after the start.
type attempt struct {
	user, challenge, file string
	minute                int
}

// attempts are the finished contest's submissions, in the order they were
// made; shen took the theory exam only.
var attempts = []attempt{
	{"alice", "order-cleaning", "wrong_answer/summary_only.py", 18},
	{"alice", "order-cleaning", "accepted/clean.py", 25},
	{"bob", "sales-indicators", "wrong_answer/no-status-filter.sql", 20},
	{"carol", "order-cleaning", "75/no_dedupe_no_sort.py", 30},
	{"lin", "sales-indicators", "wrong_answer/no-status-filter.sql", 33},
	{"dai", "sales-indicators", "70/wrong-order.sql", 35},
	{"feng", "sales-indicators", "30/only-monthly.sql", 40},
	{"bob", "sales-indicators", "accepted/alternative.sql", 41},
	{"hu", "sales-indicators", "30/only-monthly.sql", 47},
	{"alice", "sales-indicators", "accepted/reference.sql", 52},
	{"gao", "order-cleaning", "accepted/clean.py", 58},
	{"carol", "sales-indicators", "accepted/reference.sql", 64},
	{"jiang", "sales-indicators", "accepted/reference.sql", 70},
	{"bob", "order-cleaning", "accepted/clean.go", 75},
	{"feng", "sales-indicators", "70/wrong-order.sql", 88},
	{"ma", "sales-indicators", "70/wrong-order.sql", 90},
	{"hu", "order-cleaning", "75/no_dedupe_no_sort.py", 99},
	{"feng", "order-cleaning", "75/no_dedupe_no_sort.py", 110},
	{"ma", "order-cleaning", "compile_error/clean.cpp", 115},
	{"lin", "order-cleaning", "75/no_dedupe_no_sort.py", 121},
	// The last hour was frozen: the public board showed these as pending
	// until the unfreeze.
	{"gao", "sales-indicators", "30/only-monthly.sql", 130},
	{"carol", "order-cleaning", "compile_error/clean.cpp", 140},
	{"dai", "order-cleaning", "accepted/clean.js", 150},
	{"jiang", "order-cleaning", "wrong_answer/summary_only.py", 160},
	{"qian", "sales-indicators", "30/only-monthly.sql", 170},
}

// languages by file extension, for the attempts' files.
var languages = map[string]string{".py": "python3", ".go": "go", ".js": "javascript", ".cpp": "cpp", ".sql": "sql"}

// FinalSchedule is the finished contest's start, end and freeze: yesterday
// (in Beijing) from 09:00 to 12:00, frozen from 11:00.
func FinalSchedule(now time.Time) (start, end, freeze time.Time, err error) {
	loc, err := time.LoadLocation(FinalZone)
	if err != nil {
		return start, end, freeze, err
	}
	d := now.In(loc)
	start = time.Date(d.Year(), d.Month(), d.Day()-1, 9, 0, 0, 0, loc)
	return start, start.Add(3 * time.Hour), start.Add(2 * time.Hour), nil
}

// LoadFinal loads the finished contest as its organizers would have run it:
// its contest.yaml loaded, the contestants' submissions recorded with their
// results, the theory exam's scores imported, the board unfrozen. Each step
// is done once: loading again adds no contestant, submission or import, and
// keeps whatever the review changed since (overrides, finalize).
func LoadFinal(ctx context.Context, d Deps, password string, now time.Time) (*contest.Contest, error) {
	var who []string
	for _, u := range slices.Concat(Users, finalists(now)) {
		if u.Role != account.Contestant {
			continue
		}
		if err := d.Accounts.Put(ctx, u, password); err != nil {
			return nil, fmt.Errorf("demo account: %w", err)
		}
		who = append(who, u.Username)
	}
	ct, err := d.Admin.Contests.Get(ctx, FinalID)
	switch {
	case errors.Is(err, contest.ErrNotFound):
		if ct, err = loadFinalFile(ctx, d, who, now); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	}
	if ct.Unfrozen {
		return ct, nil // every step below was done
	}
	if err := recordAttempts(ctx, d, ct); err != nil {
		return nil, err
	}
	theory, err := finalFiles.ReadFile("final/theory.csv")
	if err != nil {
		return nil, err
	}
	if _, err := d.Certificates.ImportScores(ctx, FinalID, "theory", theory, "organizer", "theory exam results from the evaluation agency"); err != nil {
		return nil, fmt.Errorf("import theory scores: %w", err)
	}
	return d.Admin.Unfreeze(ctx, FinalID, "organizer", "final standings")
}

// finalists are Finalists with feng's promotion half a year before now, so
// that the promotion interval holds her back whenever the demo runs.
func finalists(now time.Time) []account.User {
	out := make([]account.User, len(Finalists))
	for i, u := range Finalists {
		u.Role = account.Contestant
		if u.Level != 0 {
			u.Promoted = now.AddDate(0, -6, 0).Format(time.DateOnly)
		}
		out[i] = u
	}
	return out
}

// loadFinalFile loads final/contest.yaml with its times filled in, as an
// admin loads a contest.yaml; its challenges are the example packages.
func loadFinalFile(ctx context.Context, d Deps, contestants []string, now time.Time) (*contest.Contest, error) {
	start, end, freeze, err := FinalSchedule(now)
	if err != nil {
		return nil, err
	}
	src, err := finalFiles.ReadFile("final/contest.yaml")
	if err != nil {
		return nil, err
	}
	tmpl, err := template.New("contest.yaml").Parse(string(src))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = tmpl.Execute(&b, map[string]string{"ID": FinalID, "Start": start.Format(time.RFC3339), "End": end.Format(time.RFC3339),
		"Freeze": freeze.Format(time.RFC3339), "Zone": FinalZone, "Contestants": strings.Join(contestants, ", ")})
	if err != nil {
		return nil, err
	}
	resolve := func(ctx context.Context, slug string) (contest.Challenge, error) {
		fsys, err := challenges.Example(slug)
		if err != nil {
			return contest.Challenge{}, err
		}
		return contest.FromPackage(ctx, d.Blobs, fsys)
	}
	admin := account.User{Username: "admin", Role: account.Admin}
	return d.Admin.Load(ctx, b.Bytes(), resolve, contest.AccountLookup(d.Accounts), admin)
}

// recordAttempts records the attempts not recorded yet, each with the
// result its reference solution is expected to get.
func recordAttempts(ctx context.Context, d Deps, ct *contest.Contest) error {
	done := map[string]int{}
	subs, err := d.Submissions.List(ctx, ct.ID, submission.Filter{}, int64(len(attempts)+100), int64(len(attempts)+100))
	if err != nil {
		return err
	}
	for _, s := range subs {
		done[s.Contestant+"/"+s.Challenge]++
	}
	for _, a := range attempts {
		key := a.user + "/" + a.challenge
		if done[key] > 0 {
			done[key]--
			continue
		}
		if err := record(ctx, d, ct, a); err != nil {
			return fmt.Errorf("submission of %s to %s: %w", a.user, a.challenge, err)
		}
	}
	return nil
}

func record(ctx context.Context, d Deps, ct *contest.Contest, a attempt) error {
	ch, ok := ct.Challenge(a.challenge)
	if !ok {
		return fmt.Errorf("no challenge %s", a.challenge)
	}
	fsys, err := challenges.Example(a.challenge)
	if err != nil {
		return err
	}
	file, err := fs.ReadFile(fsys, "solutions/"+a.file)
	if err != nil {
		return err
	}
	hash, err := d.Blobs.Put(ctx, file)
	if err != nil {
		return err
	}
	res := expected(path.Dir(a.file), ch.Points)
	elapsed := time.Duration(a.minute) * time.Minute
	_, err = d.Submissions.Record(ctx, submission.New{Contest: ct.ID, Challenge: ch.Slug, Contestant: a.user,
		Language: languages[path.Ext(a.file)], FileName: path.Base(a.file), Blob: hash, MaxScore: ch.Points,
		Elapsed: int64(elapsed.Seconds()), At: ct.Start.Add(elapsed)}, res)
	return err
}

// expected is the result a reference solution under solutions/<dir> gets:
// dir is an outcome, or a score out of 100.
func expected(dir string, points float64) verdict.Result {
	res := verdict.Result{MaxScore: points, Worker: "demo"}
	if pct, err := strconv.ParseFloat(dir, 64); err == nil {
		res.Outcome, res.Score = verdict.Scored, pct*points/100
		return res
	}
	res.Outcome = verdict.Outcome(dir)
	if res.Outcome == verdict.Accepted {
		res.Score = points
	}
	return res
}
