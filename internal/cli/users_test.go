package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/roster"
)

func TestIntegrationUsersImportCommand(t *testing.T) {
	r := testenv.StartRedis(t)
	rdb := r.Client()
	dir := t.TempDir()
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getenv: func(string) string { return "" }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		return Run(context.Background(), env, append([]string{"users", "import", "--redis", r.Addr}, args...)), out.String(), errb.String()
	}
	first := "11010519900307123"
	id := first + string(roster.IDCheckDigit(first))
	wrong := first + "0"
	if id == wrong {
		wrong = first + "1"
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("list.csv", "name,id_number,organization,team\nAnn,"+id+",Org A,Red\n")
	bad := write("bad.csv", "name,id_number\nAnn,"+id+"\nBen,"+wrong+"\n")

	code, _, stderr := run(bad)
	if code != 1 || !strings.Contains(stderr, "line 3: ID number: check digit should be "+id[17:]) || !strings.Contains(stderr, "nothing imported") {
		t.Fatalf("bad file: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.passwords.csv")); !os.IsNotExist(err) {
		t.Fatalf("a refused import left a slips file: %v", err)
	}
	if n, _ := rdb.SCard(context.Background(), "arena:users").Result(); n != 0 {
		t.Fatalf("a refused import created %d users", n)
	}

	code, stdout, stderr := run("--dry-run", "--prefix", "bc", good)
	if code != 0 || !strings.Contains(stdout, "bc001") || !strings.Contains(stdout, "110105********") || !strings.Contains(stdout, "dry run") {
		t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
	}
	if n, _ := rdb.SCard(context.Background(), "arena:users").Result(); n != 0 {
		t.Fatalf("a dry run created %d users", n)
	}

	code, stdout, stderr = run("--prefix", "bc", good)
	slips := filepath.Join(dir, "list.passwords.csv")
	if code != 0 || !strings.Contains(stdout, "imported 1 contestant(s)") || !strings.Contains(stdout, slips) {
		t.Fatalf("import: exit %d\n%s%s", code, stdout, stderr)
	}
	st, err := os.Stat(slips)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("slips file: %v, %v", st, err)
	}
	raw, _ := os.ReadFile(slips)
	if !bytes.HasPrefix(raw, []byte("\uFEFF")) {
		t.Fatal("slips file has no BOM")
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF")))).ReadAll()
	if err != nil || len(records) != 2 || records[1][0] != "bc001" {
		t.Fatalf("slips: %q, %v", records, err)
	}
	u, err := account.NewStore(rdb).Authenticate(context.Background(), "bc001", records[1][1])
	if err != nil || u.Team != "Red" || u.IDNumber != id {
		t.Fatalf("log in with the slip: %+v, %v", u, err)
	}

	// The slips file is never overwritten, and the contest must exist.
	if code, _, stderr := run("--out", slips, good); code != 1 || !strings.Contains(stderr, "choose another --out") {
		t.Fatalf("existing slips file: exit %d %s", code, stderr)
	}
	if code, _, stderr := run("--contest", "nope", "--out", filepath.Join(dir, "x.csv"), good); code != 1 || !strings.Contains(stderr, "contest not found") {
		t.Fatalf("unknown contest: exit %d %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.csv")); !os.IsNotExist(err) {
		t.Fatalf("a failed import left its empty slips file: %v", err)
	}
}

// TestIntegrationUsersPasswordAndDisable: the commands an organizer uses
// when a password leaks or an account must stop.
func TestIntegrationUsersPasswordAndDisable(t *testing.T) {
	ctx := context.Background()
	r := testenv.StartRedis(t)
	accounts := account.NewStore(r.Client())
	if err := accounts.Put(ctx, account.User{Username: "ann", Role: account.Contestant}, "old password"); err != nil {
		t.Fatal(err)
	}
	run := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
			Getenv: func(string) string { return "" }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		return Run(ctx, env, append(args, "--redis", r.Addr)), out.String(), errb.String()
	}
	code, out, errs := run("", "users", "password", "ann")
	name, pw, ok := strings.Cut(strings.TrimSpace(out), "\t")
	if code != 0 || !ok || name != "ann" || len(pw) < 12 {
		t.Fatalf("users password: exit %d, %q %q", code, out, errs)
	}
	if _, err := accounts.Authenticate(ctx, "ann", pw); err != nil {
		t.Fatalf("the printed password: %v", err)
	}
	if code, _, errs := run("chosen password\n", "users", "password", "ann", "--password-stdin"); code != 0 {
		t.Fatalf("--password-stdin: exit %d, %s", code, errs)
	}
	if _, err := accounts.Authenticate(ctx, "ann", "chosen password"); err != nil {
		t.Fatalf("the password from stdin: %v", err)
	}
	if code, _, errs := run("", "users", "password", "nobody"); code != 1 || !strings.Contains(errs, "nobody") {
		t.Fatalf("unknown user: exit %d, %s", code, errs)
	}
	if code, _, errs := run("", "users", "disable", "ann"); code != 0 {
		t.Fatalf("users disable: exit %d, %s", code, errs)
	}
	if _, err := accounts.Authenticate(ctx, "ann", "chosen password"); !errors.Is(err, account.ErrDisabled) {
		t.Fatalf("disabled: %v", err)
	}
	if code, _, errs := run("", "users", "disable", "ann", "--enable"); code != 0 {
		t.Fatalf("--enable: exit %d, %s", code, errs)
	}
	if _, err := accounts.Authenticate(ctx, "ann", "chosen password"); err != nil {
		t.Fatalf("enabled again: %v", err)
	}
}

// TestIntegrationUsersAdd: the first admin of a platform comes from the
// host; contestants do not.
func TestIntegrationUsersAdd(t *testing.T) {
	ctx := context.Background()
	r := testenv.StartRedis(t)
	accounts := account.NewStore(r.Client())
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getenv: func(string) string { return "" }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		return Run(ctx, env, append(args, "--redis", r.Addr)), out.String(), errb.String()
	}
	code, out, errs := run("users", "add", "root", "--role", "admin", "--name", "Platform admin")
	name, pw, ok := strings.Cut(strings.TrimSpace(out), "\t")
	if code != 0 || !ok || name != "root" {
		t.Fatalf("users add: exit %d, %q %q", code, out, errs)
	}
	u, err := accounts.Authenticate(ctx, "root", pw)
	if err != nil || u.Role != account.Admin || u.Name != "Platform admin" {
		t.Fatalf("the new admin: %+v %v", u, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"users", "add", "root", "--role", "judge"}, "already taken"},
		{[]string{"users", "add", "ann", "--role", "contestant"}, "users import"},
		{[]string{"users", "add", "ann"}, "--role"},
	} {
		if code, _, errs := run(tc.args...); code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %q, want it to name %q", tc.args, code, errs, tc.want)
		}
	}
}
