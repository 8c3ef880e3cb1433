// Package clarification owns a contest's questions, answers and
// announcements. Each change is appended to the contest's event log so both
// sides get it live; what the jury tells everyone goes into the audit log
// too (AuditTo).
//
// Redis keys (prefix arena:{cid}:):
//
//	clar:seq     STRING  last clarification number
//	clars        HASH    number -> clarification JSON
package clarification

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/ratelimit"
)

func seqKey(cid string) string  { return "arena:{" + cid + "}:clar:seq" }
func hashKey(cid string) string { return "arena:{" + cid + "}:clars" }

// TypeClarification is the event type of every clarification change.
const TypeClarification = events.TypeClarification

// MaxText bounds a question, answer or announcement.
const MaxText = 4000

// Errors callers map to statuses.
var (
	ErrNotFound = errors.New("clarification not found")
	ErrEmpty    = errors.New("text is empty")
	ErrTooLong  = fmt.Errorf("text is longer than %d characters", MaxText)
)

// Clarification is a question (from a contestant), its answer, or an
// announcement (from the jury, to everyone); its shape is the one its
// events carry.
type Clarification = events.Clarification

// Store keeps clarifications in Redis.
type Store struct {
	rdb  redis.UniversalClient
	now  func() time.Time
	asks *ratelimit.Limiter
	// audit, when set, records what the jury tells everyone.
	audit *audit.Log
}

// AsksPerHour is how many questions a contestant may ask per contest and
// hour by default: enough to ask about every challenge, not enough to bury
// the jury's desk.
const AsksPerHour = 20

// NewStore returns a store on rdb, limiting contestants to AsksPerHour.
func NewStore(rdb redis.UniversalClient) *Store {
	return &Store{rdb: rdb, now: time.Now, asks: ratelimit.New(rdb, "ask", AsksPerHour, time.Hour)}
}

// LimitAsks sets how many questions a contestant may ask per contest and
// hour (0: unlimited).
func (s *Store) LimitAsks(perHour int64) {
	s.asks = ratelimit.New(s.rdb, "ask", perHour, time.Hour)
}

// AuditTo records announcements and answers sent to everyone in log.
func (s *Store) AuditTo(log *audit.Log) { s.audit = log }

// audited appends what the jury told everyone to the audit log, if there is one.
func (s *Store) audited(ctx context.Context, action string, c Clarification) error {
	if s.audit == nil {
		return nil
	}
	d := map[string]any{"text": c.Answer}
	if c.Challenge != "" {
		d["challenge"] = c.Challenge
	}
	if err := s.audit.Append(ctx, c.Contest, audit.Entry{Who: c.AnsweredBy, Action: action,
		Target: strconv.FormatInt(c.ID, 10), Details: d}); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

func check(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", ErrEmpty
	}
	if utf8.RuneCountInString(text) > MaxText {
		return "", ErrTooLong
	}
	return text, nil
}

// saveScript stores a clarification and appends its event, at once.
//
//	KEYS: clars, events
//	ARGV: number, clarification JSON, event data (events.ClarificationData), events maxlen, event type
var saveScript = redis.NewScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'type', ARGV[5], 'data', ARGV[3])
`)

func (s *Store) save(ctx context.Context, c Clarification) error {
	b, err := events.Encode(c)
	if err != nil {
		return err
	}
	data, err := events.Encode(events.ClarificationData{Clarification: c})
	if err != nil {
		return err
	}
	keys := []string{hashKey(c.Contest), events.Key(c.Contest)}
	if err := saveScript.Run(ctx, s.rdb, keys, c.ID, b, data, events.MaxLen, TypeClarification).Err(); err != nil {
		return fmt.Errorf("save clarification %d of %s: %w", c.ID, c.Contest, err)
	}
	return nil
}

func (s *Store) next(ctx context.Context, cid string) (int64, error) {
	n, err := s.rdb.Incr(ctx, seqKey(cid)).Result()
	if err != nil {
		return 0, fmt.Errorf("number clarification: %w", err)
	}
	return n, nil
}

// Ask records a contestant's question, about a challenge or in general.
func (s *Store) Ask(ctx context.Context, cid, from, challenge, question string) (Clarification, error) {
	q, err := check(question)
	if err != nil {
		return Clarification{}, err
	}
	n, err := s.next(ctx, cid)
	if err != nil {
		return Clarification{}, err
	}
	c := Clarification{ID: n, Contest: cid, Challenge: challenge, From: from, Question: q, CreatedAt: s.now().UTC()}
	return c, s.save(ctx, c)
}

// Announce posts an announcement to everyone.
func (s *Store) Announce(ctx context.Context, cid, by, challenge, text string) (Clarification, error) {
	t, err := check(text)
	if err != nil {
		return Clarification{}, err
	}
	n, err := s.next(ctx, cid)
	if err != nil {
		return Clarification{}, err
	}
	now := s.now().UTC()
	c := Clarification{ID: n, Contest: cid, Challenge: challenge, Answer: t, Public: true, AnsweredBy: by, CreatedAt: now, AnsweredAt: &now}
	if err := s.save(ctx, c); err != nil {
		return c, err
	}
	return c, s.audited(ctx, "clarification.announce", c)
}

// Answer answers a question, to its asker or (toAll) to everyone.
func (s *Store) Answer(ctx context.Context, cid string, id int64, by, answer string, toAll bool) (Clarification, error) {
	a, err := check(answer)
	if err != nil {
		return Clarification{}, err
	}
	c, err := s.Get(ctx, cid, id)
	if err != nil {
		return Clarification{}, err
	}
	now := s.now().UTC()
	c.Answer, c.AnsweredBy, c.AnsweredAt = a, by, &now
	c.Public = c.Public || toAll
	if err := s.save(ctx, c); err != nil {
		return c, err
	}
	if !toAll {
		return c, nil
	}
	return c, s.audited(ctx, "clarification.answer_all", c)
}

// Get returns one clarification.
func (s *Store) Get(ctx context.Context, cid string, id int64) (Clarification, error) {
	raw, err := s.rdb.HGet(ctx, hashKey(cid), strconv.FormatInt(id, 10)).Bytes()
	if errors.Is(err, redis.Nil) {
		return Clarification{}, ErrNotFound
	}
	if err != nil {
		return Clarification{}, fmt.Errorf("read clarification %d of %s: %w", id, cid, err)
	}
	var c Clarification
	if err := json.Unmarshal(raw, &c); err != nil {
		return Clarification{}, fmt.Errorf("decode clarification %d of %s: %w", id, cid, err)
	}
	return c, nil
}

// List returns the clarifications user may see, newest first.
func (s *Store) List(ctx context.Context, cid, user string, jury bool) ([]Clarification, error) {
	all, err := s.rdb.HVals(ctx, hashKey(cid)).Result()
	if err != nil {
		return nil, fmt.Errorf("list clarifications of %s: %w", cid, err)
	}
	out := []Clarification{}
	for _, raw := range all {
		var c Clarification
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return nil, fmt.Errorf("decode clarification of %s: %w", cid, err)
		}
		if c, ok := c.For(user, jury); ok {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
}
