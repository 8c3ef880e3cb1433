// Package account owns users, password hashes and login tokens.
//
// Redis keys:
//
//	arena:users            SET     usernames
//	arena:user:{name}      HASH    name, display, organization, role, password (argon2id)
//	arena:token:{sha256}   STRING  username; expires with the token
package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/redis/go-redis/v9"
)

// Role is what a user may do.
type Role string

// Roles.
const (
	Organizer  Role = "organizer"
	Judge      Role = "judge"
	Contestant Role = "contestant"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == Organizer || r == Judge || r == Contestant }

// Errors callers map to HTTP statuses.
var (
	ErrBadCredentials = errors.New("wrong username or password")
	ErrNoToken        = errors.New("token unknown or expired")
	ErrNotFound       = errors.New("user not found")
)

var usernameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$`)

// User is an account.
type User struct {
	Username     string `json:"id"`
	Name         string `json:"name"`
	Organization string `json:"organization"`
	Role         Role   `json:"role"`
}

// Store keeps accounts in Redis.
type Store struct {
	rdb    redis.UniversalClient
	params *argon2id.Params
	// dummy is compared against when a username does not exist.
	dummy string
}

// NewStore returns a store on rdb.
func NewStore(rdb redis.UniversalClient) *Store {
	s := &Store{rdb: rdb, params: argon2id.DefaultParams}
	s.dummy, _ = argon2id.CreateHash(rand.Text(), s.params)
	return s
}

func userKey(name string) string   { return "arena:user:" + name }
func tokenKey(token string) string { return "arena:token:" + hashToken(token) }

const usersKey = "arena:users"

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Put creates or updates a user with the given password.
func (s *Store) Put(ctx context.Context, u User, password string) error {
	if !usernameRE.MatchString(u.Username) {
		return fmt.Errorf("username %q: use letters, digits, '_', '.', '-' (at most 64)", u.Username)
	}
	if !u.Role.Valid() {
		return fmt.Errorf("user %s: unknown role %q", u.Username, u.Role)
	}
	if len(password) < 8 {
		return fmt.Errorf("user %s: password must have at least 8 characters", u.Username)
	}
	hash, err := argon2id.CreateHash(password, s.params)
	if err != nil {
		return fmt.Errorf("hash password of %s: %w", u.Username, err)
	}
	if u.Name == "" {
		u.Name = u.Username
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, userKey(u.Username), "name", u.Username, "display", u.Name,
			"organization", u.Organization, "role", string(u.Role), "password", hash)
		p.SAdd(ctx, usersKey, u.Username)
		return nil
	})
	if err != nil {
		return fmt.Errorf("save user %s: %w", u.Username, err)
	}
	return nil
}

// Get returns the user named username.
func (s *Store) Get(ctx context.Context, username string) (User, error) {
	u, _, err := s.get(ctx, username)
	return u, err
}

func (s *Store) get(ctx context.Context, username string) (User, string, error) {
	m, err := s.rdb.HGetAll(ctx, userKey(username)).Result()
	if err != nil {
		return User{}, "", fmt.Errorf("load user %s: %w", username, err)
	}
	if len(m) == 0 {
		return User{}, "", ErrNotFound
	}
	return User{Username: m["name"], Name: m["display"], Organization: m["organization"], Role: Role(m["role"])}, m["password"], nil
}

// Authenticate checks a password and returns the user.
func (s *Store) Authenticate(ctx context.Context, username, password string) (User, error) {
	if !usernameRE.MatchString(username) {
		return User{}, ErrBadCredentials
	}
	u, hash, err := s.get(ctx, username)
	if errors.Is(err, ErrNotFound) {
		// Spend the same time as a real check so timing does not reveal usernames.
		_, _ = argon2id.ComparePasswordAndHash(password, s.dummy)
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return User{}, fmt.Errorf("check password of %s: %w", username, err)
	}
	if !ok {
		return User{}, ErrBadCredentials
	}
	return u, nil
}

// IssueToken creates a new token for username, valid for ttl.
func (s *Store) IssueToken(ctx context.Context, username string, ttl time.Duration) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("issue token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	if err := s.rdb.Set(ctx, tokenKey(token), username, ttl).Err(); err != nil {
		return "", fmt.Errorf("issue token for %s: %w", username, err)
	}
	return token, nil
}

// Lookup returns the user a token belongs to.
func (s *Store) Lookup(ctx context.Context, token string) (User, error) {
	if token == "" || len(token) > 128 {
		return User{}, ErrNoToken
	}
	name, err := s.rdb.Get(ctx, tokenKey(token)).Result()
	if errors.Is(err, redis.Nil) {
		return User{}, ErrNoToken
	}
	if err != nil {
		return User{}, fmt.Errorf("look up token: %w", err)
	}
	u, err := s.Get(ctx, name)
	if errors.Is(err, ErrNotFound) {
		return User{}, ErrNoToken
	}
	return u, err
}

// Revoke deletes a token.
func (s *Store) Revoke(ctx context.Context, token string) error {
	if err := s.rdb.Del(ctx, tokenKey(token)).Err(); err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}
