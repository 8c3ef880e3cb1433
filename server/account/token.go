package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/server/refusal"
)

// TokenKind tells a login session from a long-lived API token.
type TokenKind string

// Token kinds.
const (
	SessionToken TokenKind = "session"
	APIToken     TokenKind = "api"
)

// TokenInfo describes a token without revealing it.
type TokenInfo struct {
	// ID names the token in lists and for revoking; it cannot be used to log in.
	ID       string     `json:"id"`
	User     string     `json:"user"`
	Kind     TokenKind  `json:"kind"`
	Label    string     `json:"label"`
	Created  time.Time  `json:"created"`
	LastUsed *time.Time `json:"last_used"`
	// Expires is nil for a token that never expires.
	Expires *time.Time `json:"expires"`
}

// MaxLabel is the longest token label, in bytes.
const MaxLabel = 100

// Caps on the live tokens of one account. A new session beyond MaxSessions
// ends the oldest one (a contestant who logs in again loses nothing); an API
// token beyond MaxAPITokens is refused until one is revoked, since ending
// one would stop whatever runs with it.
const (
	MaxSessions  = 10
	MaxAPITokens = 20
)

// usedEvery is how stale a token's last-used time may get: it is written at
// most once per interval, not on every request.
const usedEvery = time.Minute

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func tokenHashKey(hash string) string { return "arena:token:" + hash }
func tokenKey(token string) string    { return tokenHashKey(hashToken(token)) }
func userTokensKey(name string) string {
	return "arena:tokens:" + name
}

// tokenID is the public name of the token with this hash.
func tokenID(hash string) string { return hash[:16] }

// IssueToken creates a login session token for username, valid for ttl.
func (s *Store) IssueToken(ctx context.Context, username string, ttl time.Duration) (string, error) {
	token, _, err := s.issue(ctx, username, SessionToken, "", ttl)
	return token, err
}

// IssueAPIToken creates a long-lived token for automation, named by label and
// valid for ttl (ttl <= 0: until revoked). The token itself is returned only
// here; the store keeps its hash.
func (s *Store) IssueAPIToken(ctx context.Context, username, label string, ttl time.Duration) (string, TokenInfo, error) {
	label = strings.TrimSpace(label)
	if label == "" || len(label) > MaxLabel {
		return "", TokenInfo{}, fmt.Errorf("token label: give 1 to %d characters", MaxLabel)
	}
	return s.issue(ctx, username, APIToken, label, ttl)
}

func (s *Store) issue(ctx context.Context, username string, kind TokenKind, label string, ttl time.Duration) (string, TokenInfo, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", TokenInfo{}, fmt.Errorf("issue token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	hash := hashToken(token)
	now := s.now().Truncate(time.Millisecond)
	info := TokenInfo{ID: tokenID(hash), User: username, Kind: kind, Label: label, Created: now}
	var expiresMS int64
	if ttl > 0 {
		exp := now.Add(ttl)
		info.Expires = &exp
		expiresMS = exp.UnixMilli()
	}
	key := tokenHashKey(hash)
	index := userTokensKey(username)
	// The index is watched, so two logins or token requests at once cannot
	// both pass the cap: one of them retries against the other's token.
	write := func(tx *redis.Tx) error {
		live, gone, err := s.liveTokens(ctx, tx, username)
		if err != nil {
			return err
		}
		drop, err := overCap(live, kind)
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			for _, t := range drop {
				p.Del(ctx, tokenHashKey(t.hash))
				gone = append(gone, t.ID)
			}
			if len(gone) > 0 {
				p.HDel(ctx, index, gone...)
			}
			p.HSet(ctx, key, "user", username, "id", info.ID, "kind", string(kind), "label", label,
				"created", now.UnixMilli(), "expires", expiresMS, "used", 0)
			if ttl > 0 {
				p.PExpireAt(ctx, key, *info.Expires)
			}
			p.HSet(ctx, index, info.ID, hash)
			return nil
		})
		return err
	}
	var err error
	for try := range 100 {
		if err = s.rdb.Watch(ctx, write, index); !errors.Is(err, redis.TxFailedErr) {
			break
		}
		time.Sleep(time.Duration(1+mrand.IntN(try+1)) * time.Millisecond) // another token came first
	}
	if err != nil {
		return "", TokenInfo{}, fmt.Errorf("issue token for %s: %w", username, err)
	}
	return token, info, nil
}

func msTime(v string) *time.Time {
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil || ms <= 0 {
		return nil
	}
	t := time.UnixMilli(ms)
	return &t
}

func infoFromHash(m map[string]string) TokenInfo {
	info := TokenInfo{ID: m["id"], User: m["user"], Kind: TokenKind(m["kind"]), Label: m["label"],
		LastUsed: msTime(m["used"]), Expires: msTime(m["expires"])}
	if c := msTime(m["created"]); c != nil {
		info.Created = *c
	}
	return info
}

// touchScript records when a token was last used, unless it is gone: a
// plain HSET would bring an expired token's key back without an expiry.
var touchScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'used', ARGV[1]) end
return 0
`)

// Lookup returns the user a token belongs to, and notes that it was used.
func (s *Store) Lookup(ctx context.Context, token string) (User, error) {
	if token == "" || len(token) > 128 {
		return User{}, ErrNoToken
	}
	key := tokenKey(token)
	m, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		if strings.HasPrefix(err.Error(), "WRONGTYPE") {
			return User{}, ErrNoToken // a token from before tokens had details
		}
		return User{}, fmt.Errorf("look up token: %w", err)
	}
	if m["user"] == "" {
		return User{}, ErrNoToken
	}
	info := infoFromHash(m)
	now := s.now()
	if info.Expires != nil && !now.Before(*info.Expires) {
		return User{}, ErrNoToken
	}
	if info.LastUsed == nil || now.Sub(*info.LastUsed) >= usedEvery {
		if err := touchScript.Run(ctx, s.rdb, []string{key}, now.UnixMilli()).Err(); err != nil {
			return User{}, fmt.Errorf("note token use: %w", err)
		}
	}
	u, err := s.Get(ctx, info.User)
	if errors.Is(err, ErrNotFound) || err == nil && u.Disabled {
		return User{}, ErrNoToken
	}
	return u, err
}

// TokenID returns the public id of a token, as Tokens lists it.
func TokenID(token string) string { return tokenID(hashToken(token)) }

// Tokens lists the live tokens of username, newest first.
func (s *Store) Tokens(ctx context.Context, username string) ([]TokenInfo, error) {
	live, gone, err := s.liveTokens(ctx, s.rdb, username)
	if err != nil {
		return nil, err
	}
	if len(gone) > 0 {
		if err := s.rdb.HDel(ctx, userTokensKey(username), gone...).Err(); err != nil {
			return nil, fmt.Errorf("prune tokens of %s: %w", username, err)
		}
	}
	out := make([]TokenInfo, len(live))
	for i, t := range live {
		out[i] = t.TokenInfo
	}
	return out, nil
}

// liveToken is a token's details and the hash that keys it.
type liveToken struct {
	TokenInfo
	hash string
}

// liveTokens reads username's token index: the live tokens, newest first,
// and the ids of entries whose token is gone. Expired tokens are neither:
// their keys go at the expiry, their entries at a later read.
func (s *Store) liveTokens(ctx context.Context, rdb redis.Cmdable, username string) ([]liveToken, []string, error) {
	index, err := rdb.HGetAll(ctx, userTokensKey(username)).Result()
	if err != nil {
		return nil, nil, fmt.Errorf("list tokens of %s: %w", username, err)
	}
	ids := make([]string, 0, len(index))
	cmds := make([]*redis.MapStringStringCmd, 0, len(index))
	if len(index) > 0 {
		_, err = rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for id, hash := range index {
				ids = append(ids, id)
				cmds = append(cmds, p.HGetAll(ctx, tokenHashKey(hash)))
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("list tokens of %s: %w", username, err)
		}
	}
	var live []liveToken
	var gone []string
	now := s.now()
	for i, c := range cmds {
		m := c.Val()
		if m["user"] != username {
			gone = append(gone, ids[i])
			continue
		}
		info := infoFromHash(m)
		if info.Expires != nil && !now.Before(*info.Expires) {
			continue
		}
		live = append(live, liveToken{info, index[ids[i]]})
	}
	slices.SortFunc(live, func(a, b liveToken) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return live, gone, nil
}

// overCap returns the sessions a new token of kind ends, the oldest first
// past MaxSessions, or a refusal when the account holds all its API tokens.
func overCap(live []liveToken, kind TokenKind) ([]liveToken, error) {
	var same []liveToken // newest first
	for _, t := range live {
		if t.Kind == kind {
			same = append(same, t)
		}
	}
	switch {
	case kind == APIToken && len(same) >= MaxAPITokens:
		return nil, refusal.New(refusal.Conflict, "refusal.tokens", MaxAPITokens)
	case kind == SessionToken && len(same) >= MaxSessions:
		return same[MaxSessions-1:], nil
	}
	return nil, nil
}

// endTokens deletes every token of username in one transaction with the
// writes change makes, so no token outlives the change; a token issued
// meanwhile makes it start again.
func (s *Store) endTokens(ctx context.Context, username string, change func(redis.Pipeliner)) error {
	index := userTokensKey(username)
	end := func(tx *redis.Tx) error {
		hashes, err := tx.HVals(ctx, index).Result()
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			change(p)
			for _, h := range hashes {
				p.Del(ctx, tokenHashKey(h))
			}
			p.Del(ctx, index)
			return nil
		})
		return err
	}
	var err error
	for range 100 {
		if err = s.rdb.Watch(ctx, end, index); !errors.Is(err, redis.TxFailedErr) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("end the tokens of %s: %w", username, err)
	}
	return nil
}

// Revoke deletes a token.
func (s *Store) Revoke(ctx context.Context, token string) error {
	hash := hashToken(token)
	user, err := s.rdb.HGet(ctx, tokenHashKey(hash), "user").Result()
	if err != nil && !errors.Is(err, redis.Nil) && !strings.HasPrefix(err.Error(), "WRONGTYPE") {
		return fmt.Errorf("revoke token: %w", err)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, tokenHashKey(hash))
		if user != "" {
			p.HDel(ctx, userTokensKey(user), tokenID(hash))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

// RevokeID deletes the token of username with the given id; ErrNoToken if
// username has no such token.
func (s *Store) RevokeID(ctx context.Context, username, id string) error {
	hash, err := s.rdb.HGet(ctx, userTokensKey(username), id).Result()
	if errors.Is(err, redis.Nil) {
		return ErrNoToken
	}
	if err != nil {
		return fmt.Errorf("revoke token %s of %s: %w", id, username, err)
	}
	var deleted *redis.IntCmd
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		deleted = p.Del(ctx, tokenHashKey(hash))
		p.HDel(ctx, userTokensKey(username), id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke token %s of %s: %w", id, username, err)
	}
	if deleted.Val() == 0 {
		return ErrNoToken // it had expired already
	}
	return nil
}
