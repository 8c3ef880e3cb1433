package roster

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/scoreboard"
)

// Importer creates contestant accounts from contestant lists.
type Importer struct {
	Accounts *account.Store
	Contests *contest.Store
	Board    *scoreboard.Store
	// Audit, when set, records each import into a contest.
	Audit *audit.Log
	// Now is the clock birth dates are checked against; time.Now if nil.
	Now func() time.Time
}

// Options say how to import a list.
type Options struct {
	// Contest, if set, registers the new contestants for that contest.
	Contest string
	// Prefix starts generated usernames (prefix001, prefix002, ...); the
	// contest id by default, else "user".
	Prefix string
	// DryRun checks the file and shows the usernames it would get, and writes nothing.
	DryRun bool
	// Who imports, for the audit log.
	Who string
}

// Entry is one contestant of an import.
type Entry struct {
	Row
	// Password is set only by an import that was carried out; it is not stored.
	Password string
}

// Result is what an import did, or would do.
type Result struct {
	Contest  string
	Entries  []Entry
	Problems []Problem
	// Imported says the accounts were created (no problems, not a dry run).
	Imported bool
}

// ProblemList joins the problems, one a line.
func (r *Result) ProblemList() string {
	lines := make([]string, len(r.Problems))
	for i, p := range r.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// ErrBadPrefix is returned for a prefix usernames cannot start with.
var ErrBadPrefix = errors.New("username prefix")

// maxPrefix leaves room for the sequence number in a 64-character username.
const maxPrefix = 56

// Import reads a contestant list (CSV or XLSX), checks it against itself and
// the existing accounts, and — if nothing is wrong and this is not a dry run
// — creates every account with a generated password in one atomic step, then
// registers them for opt.Contest. Problems with the file come back in
// Result.Problems; the error is for everything else, such as an unknown
// contest (wrapping contest.ErrNotFound), a bad prefix (ErrBadPrefix) or Redis
// failing. When the accounts were created but registering them for the
// contest failed, both the result (with the passwords) and the error come back.
func (im *Importer) Import(ctx context.Context, data []byte, opt Options) (*Result, error) {
	now := time.Now
	if im.Now != nil {
		now = im.Now
	}
	if opt.Contest != "" {
		if _, err := im.Contests.Get(ctx, opt.Contest); err != nil {
			return nil, fmt.Errorf("contest %s: %w", opt.Contest, err)
		}
	}
	prefix := cmp.Or(opt.Prefix, opt.Contest, "user")
	if !account.ValidUsername(prefix) || len(prefix) > maxPrefix {
		return nil, fmt.Errorf("%w %q: use letters, digits, '_', '.', '-' (at most %d, starting with a letter or digit)", ErrBadPrefix, prefix, maxPrefix)
	}

	sh := Parse(data, now())
	res := &Result{Contest: opt.Contest, Problems: sh.Problems}
	if len(sh.Rows) == 0 {
		return res, nil
	}
	if err := im.checkExisting(ctx, sh); err != nil {
		return nil, err
	}
	if err := im.assignUsernames(ctx, prefix, sh.Rows); err != nil {
		return nil, err
	}
	res.Problems = sortProblems(sh.Problems)
	res.Entries = make([]Entry, len(sh.Rows))
	for i, r := range sh.Rows {
		res.Entries[i] = Entry{Row: r}
	}
	if len(res.Problems) > 0 || opt.DryRun {
		return res, nil
	}

	users := make([]account.User, len(res.Entries))
	passwords := make([]string, len(res.Entries))
	for i := range res.Entries {
		pw, err := GeneratePassword()
		if err != nil {
			return nil, err
		}
		e := &res.Entries[i]
		e.Password, passwords[i] = pw, pw
		users[i] = account.User{Username: e.Username, Name: e.Name, Organization: e.Organization, Team: e.Team,
			Role: account.Contestant, IDNumber: e.IDNumber, Phone: e.Phone, Email: e.Email,
			Gender: e.Gender, IDType: e.IDType, Category: e.Category, Level: e.Level, Promoted: e.Promoted,
			LevelNumber: e.LevelNumber, BirthDate: e.BirthDate, Education: e.Education}
	}
	err := im.Accounts.CreateAll(ctx, users, passwords)
	var ce *account.ConflictError
	if errors.As(err, &ce) {
		// Another import took a name or ID number since the check above.
		for _, e := range res.Entries {
			if slices.Contains(ce.Usernames, e.Username) {
				res.Problems = append(res.Problems, newProblem(e.Line, FieldUsername, message.New("roster.taken_meanwhile")))
			}
			if owner, ok := ce.IDNumbers[e.IDNumber]; ok {
				res.Problems = append(res.Problems, newProblem(e.Line, FieldIDNumber, message.New("roster.id_owned", owner)))
			}
		}
		res.Problems = sortProblems(res.Problems)
		for i := range res.Entries {
			res.Entries[i].Password = ""
		}
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	res.Imported = true
	if opt.Contest != "" {
		names := make([]string, len(users))
		who := make([]scoreboard.Contestant, len(users))
		for i, u := range users {
			names[i] = u.Username
			who[i] = scoreboard.Contestant{ID: u.Username, Name: u.Name, Organization: u.Organization}
		}
		if err := im.Contests.AddMembers(ctx, opt.Contest, names...); err != nil {
			return res, fmt.Errorf("the %d accounts were created, but registering them for %s failed: %w", len(users), opt.Contest, err)
		}
		if err := im.Board.Enroll(ctx, opt.Contest, who...); err != nil {
			return res, fmt.Errorf("the %d accounts were created and registered, but putting them on the board of %s failed: %w", len(users), opt.Contest, err)
		}
		if im.Audit != nil {
			d := map[string]any{"contestants": len(names)}
			if len(names) > 0 {
				d["first"], d["last"] = names[0], names[len(names)-1]
			}
			if err := im.Audit.Append(ctx, opt.Contest, audit.Entry{Who: opt.Who, Action: "contest.import", Details: d}); err != nil {
				return res, fmt.Errorf("the %d accounts were created and registered, but the audit log failed: %w", len(users), err)
			}
		}
	}
	return res, nil
}

func sortProblems(ps []Problem) []Problem {
	slices.SortStableFunc(ps, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	return ps
}

// checkExisting reports rows whose ID number or username already belongs to an account.
func (im *Importer) checkExisting(ctx context.Context, sh *Sheet) error {
	var ids, names []string
	for _, r := range sh.Rows {
		if r.IDNumber != "" {
			ids = append(ids, r.IDNumber)
		}
		if r.Username != "" {
			names = append(names, r.Username)
		}
	}
	owners, err := im.Accounts.IDNumberOwners(ctx, ids)
	if err != nil {
		return err
	}
	taken, err := im.Accounts.Exists(ctx, names)
	if err != nil {
		return err
	}
	for _, r := range sh.Rows {
		if owner, ok := owners[r.IDNumber]; ok {
			sh.problem(r.Line, FieldIDNumber, "roster.id_owned", owner)
		}
		if taken[r.Username] {
			sh.problem(r.Line, FieldUsername, "roster.username_taken", r.Username)
		}
	}
	return nil
}

// assignUsernames gives every row without a username the next free one of
// prefix001, prefix002, ... (prefix-001 when the prefix ends in a digit).
func (im *Importer) assignUsernames(ctx context.Context, prefix string, rows []Row) error {
	inFile := map[string]bool{}
	need := 0
	for _, r := range rows {
		if r.Username != "" {
			inFile[strings.ToLower(r.Username)] = true
		} else {
			need++
		}
	}
	if need == 0 {
		return nil
	}
	if last := prefix[len(prefix)-1]; last >= '0' && last <= '9' {
		prefix += "-"
	}
	digits := max(3, len(strconv.Itoa(need)))
	free := make([]string, 0, need)
	for next := 1; len(free) < need; {
		batch := make([]string, 0, need-len(free)+16)
		for range cap(batch) {
			batch = append(batch, fmt.Sprintf("%s%0*d", prefix, digits, next))
			next++
		}
		taken, err := im.Accounts.Exists(ctx, batch)
		if err != nil {
			return err
		}
		for _, name := range batch {
			if !taken[name] && !inFile[strings.ToLower(name)] && len(free) < need {
				free = append(free, name)
			}
		}
	}
	for i := range rows {
		if rows[i].Username == "" {
			rows[i].Username, free = free[0], free[1:]
		}
	}
	return nil
}

// passwordAlphabet leaves out characters that are easy to misread on paper:
// 0 O o, 1 l I i.
const passwordAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// PasswordLength is the length of generated passwords: 12 of 31 characters
// are 12 × log2(31) ≈ 59.4 bits, which lets the password hash be light
// (package account).
const PasswordLength = 12

// GeneratePassword returns a random password that reads well on paper.
func GeneratePassword() (string, error) {
	b := make([]byte, PasswordLength)
	n := big.NewInt(int64(len(passwordAlphabet)))
	for i := range b {
		k, err := rand.Int(rand.Reader, n)
		if err != nil {
			return "", fmt.Errorf("generate password: %w", err)
		}
		b[i] = passwordAlphabet[k.Int64()]
	}
	return string(b), nil
}
