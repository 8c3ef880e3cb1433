// Package account owns users, password hashes and tokens (login sessions and
// long-lived API tokens).
//
// Passwords are hashed with argon2id, m = 8 MiB, t = 1, p = 1
// (DefaultParams), at most GOMAXPROCS hashes at a time (Hasher): a contest
// start of hundreds of logins then queues instead of allocating 64 MiB per
// request, and hashing and checking stay within GOMAXPROCS × 8 MiB (× 64 MiB
// for hashes made with the earlier default, which still verify: an encoded
// hash carries its parameters). The parameters are below OWASP's minimum
// for passwords people choose (19 MiB with t = 2, or equivalent): the
// passwords SkillArena stores are generated with about 59 bits of entropy
// (roster.GeneratePassword), where an offline search costs about 2^58
// hashes whatever the parameters, while OWASP's cost per hash would make an
// import of 5,000 contestants take about 100 s on two cores instead of 20 s.
// Whoever adds passwords people choose should hash those with OWASP's
// parameters (docs/performance.md).
//
// Personal data (ID number, phone, email) is kept on the user's hash and never
// serialized from User; callers show it through the privacy package's views.
//
// Redis keys:
//
//	arena:users              SET     usernames
//	arena:user:{name}        HASH    name, display, organization, team, role, password (argon2id),
//	                                 idnumber, phone, email, gender, idtype, category, level, promoted,
//	                                 levelnumber, birthdate, education,
//	                                 disabled ("1": may not log in; every token ended)
//	arena:idnumbers          HASH    ID number -> username (each ID number belongs to one account)
//	arena:token:{sha256}     HASH    user, id, kind, label, created, expires, used (unix ms;
//	                                 expires 0: never); the key expires with the token
//	arena:tokens:{name}      HASH    token id -> sha256 of the token: the user's tokens
package account

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/redis/go-redis/v9"
)

// Role is what a user may do. Admins act in every contest; organizers and
// judges only in the contests that list them as staff (contest.Contest).
type Role string

// Roles.
const (
	Admin      Role = "admin"
	Organizer  Role = "organizer"
	Judge      Role = "judge"
	Contestant Role = "contestant"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == Admin || r == Organizer || r == Judge || r == Contestant }

// Staff reports whether r may be a contest's staff: an admin, organizer or judge.
func (r Role) Staff() bool { return r == Admin || r == Organizer || r == Judge }

// Errors callers map to HTTP statuses.
var (
	ErrBadCredentials = errors.New("wrong username or password")
	ErrNoToken        = errors.New("token unknown or expired")
	ErrNotFound       = errors.New("user not found")
	ErrDisabled       = errors.New("this account is disabled")
)

var usernameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$`)

// ValidUsername reports whether name may be a username: letters, digits,
// '_', '.', '-', starting with a letter or digit, at most 64 characters.
func ValidUsername(name string) bool { return usernameRE.MatchString(name) }

// User is an account. The personal fields are never serialized from here:
// API responses use the privacy package's views, which mask them.
type User struct {
	Username     string `json:"id"`
	Name         string `json:"name"`
	Organization string `json:"organization"`
	Role         Role   `json:"role"`
	// Team is the contestant's team, if any; public like the organization.
	Team string `json:"team,omitempty"`

	// IDNumber is the resident ID number; unique among accounts.
	IDNumber string `json:"-"`
	Phone    string `json:"-"`
	Email    string `json:"-"`

	// What certificates need, from the contestant list: Gender (male,
	// female), IDType (kind of identity document; empty: resident ID card),
	// Category (worker, student), Level (the skill level held: 1 highest …
	// 5 lowest, 0 none) and Promoted (date of the last promotion, YYYY-MM-DD).
	Gender   string `json:"-"`
	IDType   string `json:"-"`
	Category string `json:"-"`
	Level    int    `json:"-"`
	Promoted string `json:"-"`
	// LevelNumber is the number of the certificate of Level, BirthDate the
	// date of birth (YYYY-MM-DD) and Education the 文化程度, when the list
	// gave them: the evaluation agency's winner list asks for them.
	LevelNumber string `json:"-"`
	BirthDate   string `json:"-"`
	Education   string `json:"-"`

	// Disabled accounts may not log in, and their tokens are gone.
	Disabled bool `json:"-"`
}

// Store keeps accounts in Redis.
type Store struct {
	rdb    redis.UniversalClient
	hasher *Hasher
	// dummy is compared against when a username does not exist: a hash
	// with the same parameters, so unknown users cost as much as known ones.
	dummy string
	now   func() time.Time
}

// NewStore returns a store on rdb hashing with DefaultParams, GOMAXPROCS at a time.
func NewStore(rdb redis.UniversalClient) *Store {
	return NewStoreWith(rdb, NewHasher(DefaultParams(), 0))
}

// NewStoreWith returns a store on rdb hashing with h.
func NewStoreWith(rdb redis.UniversalClient, h *Hasher) *Store {
	p := h.Params()
	dummy, _ := argon2id.CreateHash(rand.Text(), &p)
	return &Store{rdb: rdb, hasher: h, dummy: dummy, now: time.Now}
}

func userKey(name string) string { return "arena:user:" + name }

const (
	usersKey     = "arena:users"
	idNumbersKey = "arena:idnumbers"
)

// ConflictError says which usernames or ID numbers already belong to accounts.
type ConflictError struct {
	// Usernames already taken.
	Usernames []string
	// IDNumbers maps each ID number already registered to its account.
	IDNumbers map[string]string
}

func (e *ConflictError) Error() string {
	var parts []string
	if len(e.Usernames) > 0 {
		parts = append(parts, "usernames already taken: "+strings.Join(e.Usernames, ", "))
	}
	for _, id := range slices.Sorted(maps.Keys(e.IDNumbers)) {
		parts = append(parts, fmt.Sprintf("an ID number already belongs to %s", e.IDNumbers[id]))
	}
	return strings.Join(parts, "; ")
}

func (s *Store) validate(u *User, password string) error {
	if !usernameRE.MatchString(u.Username) {
		return fmt.Errorf("username %q: use letters, digits, '_', '.', '-' (at most 64)", u.Username)
	}
	if !u.Role.Valid() {
		return fmt.Errorf("user %s: unknown role %q", u.Username, u.Role)
	}
	if len(password) < 8 {
		return fmt.Errorf("user %s: password must have at least 8 characters", u.Username)
	}
	if u.Name == "" {
		u.Name = u.Username
	}
	return nil
}

// fields are the hash fields of u after "name".
func fields(u User, hash string) []any {
	return []any{u.Name, u.Organization, u.Team, string(u.Role), hash, u.IDNumber, u.Phone, u.Email,
		u.Gender, u.IDType, u.Category, strconv.Itoa(u.Level), u.Promoted, u.LevelNumber, u.BirthDate, u.Education}
}

// userFields names the hash fields fields returns, in order.
const userFields = `{'display', 'organization', 'team', 'role', 'password', 'idnumber', 'phone', 'email', 'gender', 'idtype', 'category', 'level', 'promoted', 'levelnumber', 'birthdate', 'education'}`

// putScript writes one user and keeps the ID number index right.
// KEYS: user key, users set, ID index. ARGV: username, then the fields.
var putScript = redis.NewScript(`
local names = ` + userFields + `
local id = ARGV[7]
if id ~= '' then
  local owner = redis.call('HGET', KEYS[3], id)
  if owner and owner ~= ARGV[1] then return {owner} end
end
local old = redis.call('HGET', KEYS[1], 'idnumber')
if old and old ~= '' and old ~= id then redis.call('HDEL', KEYS[3], old) end
redis.call('HSET', KEYS[1], 'name', ARGV[1])
for i, f in ipairs(names) do redis.call('HSET', KEYS[1], f, ARGV[i + 1]) end
redis.call('SADD', KEYS[2], ARGV[1])
if id ~= '' then redis.call('HSET', KEYS[3], id, ARGV[1]) end
return {}
`)

// Put creates or updates a user with the given password.
func (s *Store) Put(ctx context.Context, u User, password string) error {
	if err := s.validate(&u, password); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return fmt.Errorf("hash password of %s: %w", u.Username, err)
	}
	args := append([]any{u.Username}, fields(u, hash)...)
	owner, err := putScript.Run(ctx, s.rdb, []string{userKey(u.Username), usersKey, idNumbersKey}, args...).StringSlice()
	if err != nil {
		return fmt.Errorf("save user %s: %w", u.Username, err)
	}
	if len(owner) > 0 {
		return fmt.Errorf("save user %s: %w", u.Username, &ConflictError{IDNumbers: map[string]string{u.IDNumber: owner[0]}})
	}
	return nil
}

// createScript creates many users at once, or none if any username or ID
// number is taken. KEYS: users set, ID index, then one user key per user.
// ARGV: per user, the username and the fields (17 values). Returns the
// conflicts as "u:NAME" and "i:ID:OWNER"; none means all were created.
var createScript = redis.NewScript(`
local names = ` + userFields + `
local n = #names + 1
local bad = {}
for k = 3, #KEYS do
  local a = (k - 3) * n
  local name, id = ARGV[a + 1], ARGV[a + 7]
  if redis.call('SISMEMBER', KEYS[1], name) == 1 or redis.call('EXISTS', KEYS[k]) == 1 then
    table.insert(bad, 'u:' .. name)
  end
  if id ~= '' then
    local owner = redis.call('HGET', KEYS[2], id)
    if owner then table.insert(bad, 'i:' .. id .. ':' .. owner) end
  end
end
if #bad > 0 then return bad end
for k = 3, #KEYS do
  local a = (k - 3) * n
  redis.call('HSET', KEYS[k], 'name', ARGV[a + 1])
  for i, f in ipairs(names) do redis.call('HSET', KEYS[k], f, ARGV[a + 1 + i]) end
  redis.call('SADD', KEYS[1], ARGV[a + 1])
  if ARGV[a + 7] ~= '' then redis.call('HSET', KEYS[2], ARGV[a + 7], ARGV[a + 1]) end
end
return {}
`)

// CreateAll creates the users with their passwords (passwords[i] is users[i]'s)
// in one atomic step: if any username or ID number already belongs to an
// account, nothing is written and the error is a *ConflictError.
func (s *Store) CreateAll(ctx context.Context, users []User, passwords []string) error {
	if len(users) != len(passwords) {
		return fmt.Errorf("create users: %d users but %d passwords", len(users), len(passwords))
	}
	if len(users) == 0 {
		return nil
	}
	users = slices.Clone(users)
	for i := range users {
		if err := s.validate(&users[i], passwords[i]); err != nil {
			return err
		}
	}
	hashes, err := s.hashAll(ctx, users, passwords)
	if err != nil {
		return err
	}
	keys := []string{usersKey, idNumbersKey}
	args := make([]any, 0, 14*len(users))
	for i, u := range users {
		keys = append(keys, userKey(u.Username))
		args = append(args, u.Username)
		args = append(args, fields(u, hashes[i])...)
	}
	bad, err := createScript.Run(ctx, s.rdb, keys, args...).StringSlice()
	if err != nil {
		return fmt.Errorf("create %d users: %w", len(users), err)
	}
	if len(bad) == 0 {
		return nil
	}
	ce := &ConflictError{IDNumbers: map[string]string{}}
	for _, b := range bad {
		if name, ok := strings.CutPrefix(b, "u:"); ok {
			ce.Usernames = append(ce.Usernames, name)
		} else if rest, ok := strings.CutPrefix(b, "i:"); ok {
			id, owner, _ := strings.Cut(rest, ":")
			ce.IDNumbers[id] = owner
		}
	}
	return fmt.Errorf("create %d users: %w", len(users), ce)
}

// hashAll hashes the passwords in parallel, as many at once as the hasher
// has slots (sharing them with logins).
func (s *Store) hashAll(ctx context.Context, users []User, passwords []string) ([]string, error) {
	hashes := make([]string, len(passwords))
	errs := make([]error, s.hasher.Slots())
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(passwords) {
					return
				}
				h, err := s.hasher.Hash(ctx, passwords[i])
				if err != nil {
					errs[w] = fmt.Errorf("hash password of %s: %w", users[i].Username, err)
					next.Store(int64(len(passwords))) // the others stop too
					return
				}
				hashes[i] = h
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return hashes, nil
}

// Exists reports which of the usernames belong to accounts.
func (s *Store) Exists(ctx context.Context, usernames []string) (map[string]bool, error) {
	out := make(map[string]bool, len(usernames))
	if len(usernames) == 0 {
		return out, nil
	}
	members := make([]any, len(usernames))
	for i, u := range usernames {
		members[i] = u
	}
	found, err := s.rdb.SMIsMember(ctx, usersKey, members...).Result()
	if err != nil {
		return nil, fmt.Errorf("check usernames: %w", err)
	}
	for i, u := range usernames {
		if found[i] {
			out[u] = true
		}
	}
	return out, nil
}

// IDNumberOwners maps each of the ID numbers that belongs to an account to
// that account's username.
func (s *Store) IDNumberOwners(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	vals, err := s.rdb.HMGet(ctx, idNumbersKey, ids...).Result()
	if err != nil {
		return nil, fmt.Errorf("check ID numbers: %w", err)
	}
	for i, v := range vals {
		if name, ok := v.(string); ok {
			out[ids[i]] = name
		}
	}
	return out, nil
}

// Get returns the user named username.
func (s *Store) Get(ctx context.Context, username string) (User, error) {
	u, _, err := s.get(ctx, username)
	return u, err
}

func fromHash(m map[string]string) User {
	level, _ := strconv.Atoi(m["level"])
	return User{Username: m["name"], Name: m["display"], Organization: m["organization"], Team: m["team"],
		Role: Role(m["role"]), IDNumber: m["idnumber"], Phone: m["phone"], Email: m["email"],
		Gender: m["gender"], IDType: m["idtype"], Category: m["category"], Level: level, Promoted: m["promoted"],
		LevelNumber: m["levelnumber"], BirthDate: m["birthdate"], Education: m["education"],
		Disabled: m["disabled"] == "1"}
}

func (s *Store) get(ctx context.Context, username string) (User, string, error) {
	m, err := s.rdb.HGetAll(ctx, userKey(username)).Result()
	if err != nil {
		return User{}, "", fmt.Errorf("load user %s: %w", username, err)
	}
	if len(m) == 0 {
		return User{}, "", ErrNotFound
	}
	return fromHash(m), m["password"], nil
}

// GetMany returns the users named, in the same order, skipping names that
// belong to no account.
func (s *Store) GetMany(ctx context.Context, usernames []string) ([]User, error) {
	cmds := make([]*redis.MapStringStringCmd, len(usernames))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, name := range usernames {
			cmds[i] = p.HGetAll(ctx, userKey(name))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load %d users: %w", len(usernames), err)
	}
	out := make([]User, 0, len(usernames))
	for _, c := range cmds {
		if m := c.Val(); len(m) > 0 {
			out = append(out, fromHash(m))
		}
	}
	return out, nil
}

// List returns every user, sorted by username.
func (s *Store) List(ctx context.Context) ([]User, error) {
	names, err := s.rdb.SMembers(ctx, usersKey).Result()
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	slices.Sort(names)
	return s.GetMany(ctx, names)
}

// Authenticate checks a password and returns the user.
func (s *Store) Authenticate(ctx context.Context, username, password string) (User, error) {
	if !usernameRE.MatchString(username) {
		return User{}, ErrBadCredentials
	}
	u, hash, err := s.get(ctx, username)
	if errors.Is(err, ErrNotFound) {
		// Spend the same time as a real check so timing does not reveal usernames.
		if _, err := s.hasher.Verify(ctx, password, s.dummy); err != nil {
			return User{}, fmt.Errorf("check password of %s: %w", username, err)
		}
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	ok, err := s.hasher.Verify(ctx, password, hash)
	if err != nil {
		return User{}, fmt.Errorf("check password of %s: %w", username, err)
	}
	if !ok {
		return User{}, ErrBadCredentials
	}
	if u.Disabled {
		return User{}, ErrDisabled
	}
	return u, nil
}

// SetPassword gives username a new password and ends every session and
// API token of the account: whoever knew the old one is out.
func (s *Store) SetPassword(ctx context.Context, username, password string) error {
	u, err := s.Get(ctx, username)
	if err != nil {
		return err
	}
	if err := s.validate(&u, password); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return fmt.Errorf("hash password of %s: %w", username, err)
	}
	return s.endTokens(ctx, username, func(p redis.Pipeliner) { p.HSet(ctx, userKey(username), "password", hash) })
}

// SetDisabled disables username (ending every session and API token) or
// enables it again.
func (s *Store) SetDisabled(ctx context.Context, username string, disabled bool) error {
	if _, err := s.Get(ctx, username); err != nil {
		return err
	}
	if !disabled {
		if err := s.rdb.HDel(ctx, userKey(username), "disabled").Err(); err != nil {
			return fmt.Errorf("enable %s: %w", username, err)
		}
		return nil
	}
	return s.endTokens(ctx, username, func(p redis.Pipeliner) { p.HSet(ctx, userKey(username), "disabled", "1") })
}
