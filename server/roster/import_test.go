package roster

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/scoreboard"
)

func TestIntegrationImport(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	im := &Importer{Accounts: account.NewStore(rdb), Contests: contest.NewStore(rdb), Board: scoreboard.NewStore(rdb),
		Now: func() time.Time { return now }}
	if err := im.Contests.Put(ctx, &contest.Contest{ID: "bc", Title: challenges.Text{En: "Blockchain"},
		Start: now.Add(time.Hour), End: now.Add(5 * time.Hour),
		Challenges: []contest.Challenge{{Slug: "hello", Title: challenges.Text{En: "Hello"}, Category: "data", Kind: "program",
			Points: 100, Languages: []string{"python3"}, Package: strings.Repeat("a", 64)}}}); err != nil {
		t.Fatal(err)
	}
	// bc001 is taken already, so generated names skip it.
	if err := im.Accounts.Put(ctx, account.User{Username: "bc001", Role: account.Contestant, IDNumber: idC}, "long enough"); err != nil {
		t.Fatal(err)
	}
	keysBefore := func() []string {
		k, _ := rdb.Keys(ctx, "*").Result()
		slices.Sort(k)
		return k
	}
	before := keysBefore()

	badID, good := wrongCheck(idB)
	clean := "姓名,身份证号,单位,手机,邮箱,团队\n" +
		"张三," + idA + ",深圳职业技术学院,13812345678,zhang@example.cn,红队\n" +
		"李四," + idB + ",杭州职业学院,,,\n"

	// One bad row: nothing is written, and the problem names the line.
	res, err := im.Import(ctx, []byte(strings.Replace(clean, idB, badID, 1)), Options{Contest: "bc"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported || res.ProblemList() != "line 3: ID number: check digit should be "+string(good) {
		t.Fatalf("bad row: imported=%v problems %q", res.Imported, res.ProblemList())
	}
	if after := keysBefore(); !slices.Equal(after, before) {
		t.Fatalf("a file with a bad row changed Redis: %v -> %v", before, after)
	}

	// Dry run: the usernames it would get, nothing written.
	res, err = im.Import(ctx, []byte(clean), Options{Contest: "bc", DryRun: true})
	if err != nil || len(res.Problems) > 0 || res.Imported {
		t.Fatalf("dry run: %+v, %v", res, err)
	}
	if got := []string{res.Entries[0].Username, res.Entries[1].Username}; !slices.Equal(got, []string{"bc002", "bc003"}) {
		t.Fatalf("dry run usernames %v", got)
	}
	if res.Entries[0].Password != "" {
		t.Fatal("a dry run made passwords")
	}
	if after := keysBefore(); !slices.Equal(after, before) {
		t.Fatalf("a dry run changed Redis: %v -> %v", before, after)
	}

	// The real import.
	res, err = im.Import(ctx, []byte(clean), Options{Contest: "bc"})
	if err != nil || !res.Imported || len(res.Problems) > 0 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	for _, e := range res.Entries {
		if len(e.Password) != PasswordLength || strings.Trim(e.Password, passwordAlphabet) != "" {
			t.Errorf("password %q is not %d characters of the alphabet", e.Password, PasswordLength)
		}
		u, err := im.Accounts.Authenticate(ctx, e.Username, e.Password)
		if err != nil || u.Role != account.Contestant || u.IDNumber != e.IDNumber || u.Name != e.Name {
			t.Errorf("log in as %s: %+v, %v", e.Username, u, err)
		}
		if ok, _ := im.Contests.IsMember(ctx, "bc", e.Username); !ok {
			t.Errorf("%s is not registered for bc", e.Username)
		}
		if ok, _ := rdb.HExists(ctx, scoreboard.WhoKey("bc"), e.Username).Result(); !ok {
			t.Errorf("%s is not on the board of bc", e.Username)
		}
		if stored, _ := rdb.HGet(ctx, "arena:user:"+e.Username, "password").Result(); strings.Contains(stored, e.Password) {
			t.Errorf("the password of %s is stored in clear", e.Username)
		}
	}
	zhang, _ := im.Accounts.Get(ctx, "bc002")
	if zhang.Team != "红队" || zhang.Phone != "13812345678" || zhang.Email != "zhang@example.cn" || zhang.Organization != "深圳职业技术学院" {
		t.Errorf("stored account: %+v", zhang)
	}

	var slips bytes.Buffer
	if err := WritePasswords(&slips, res); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(slips.String(), "\r\n")
	if !strings.HasPrefix(lines[0], "\uFEFFusername,password,name,") || !strings.HasPrefix(lines[1], "bc002,"+res.Entries[0].Password+",张三,") ||
		!strings.Contains(lines[1], "110105********") || strings.Contains(slips.String(), idA) {
		t.Errorf("password slips:\n%s", slips.String())
	}

	// The same people again: every row is reported, nothing written.
	before = keysBefore()
	res, err = im.Import(ctx, []byte(clean), Options{Contest: "bc"})
	if err != nil {
		t.Fatal(err)
	}
	want := "line 2: ID number: already belongs to user bc002\nline 3: ID number: already belongs to user bc003"
	if res.Imported || res.ProblemList() != want {
		t.Fatalf("re-import: imported=%v problems\n%s", res.Imported, res.ProblemList())
	}
	if after := keysBefore(); !slices.Equal(after, before) {
		t.Fatalf("a rejected re-import changed Redis")
	}

	// Given usernames that exist or repeat; duplicate ID numbers in the file.
	dup := "name,id_number,username\n" +
		"A," + withCheck("11010519950101001") + ",bc002\n" +
		"B," + withCheck("11010519950101002") + ",newbie\n" +
		"C," + withCheck("11010519950101002") + ",Newbie\n"
	res, err = im.Import(ctx, []byte(dup), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want = "line 2: username: bc002 is already taken\nline 4: ID number: same as line 3\nline 4: username: same as line 3"
	if res.ProblemList() != want {
		t.Fatalf("duplicates: problems\n%s\nwant\n%s", res.ProblemList(), want)
	}

	// No contest: names from the prefix; an unknown contest is an error.
	res, err = im.Import(ctx, []byte("name,id_number\nSolo,"+withCheck("11010519950101003")+"\n"), Options{Prefix: "team7"})
	if err != nil || !res.Imported || res.Entries[0].Username != "team7-001" {
		t.Fatalf("import without contest: %+v, %v", res, err)
	}
	if _, err := im.Import(ctx, []byte(clean), Options{Contest: "nope"}); !errors.Is(err, contest.ErrNotFound) {
		t.Fatalf("unknown contest: %v", err)
	}
	if _, err := im.Import(ctx, []byte(clean), Options{Prefix: "bad prefix"}); err == nil {
		t.Fatal("a bad prefix was accepted")
	}
}
