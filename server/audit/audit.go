// Package audit keeps, per contest, the log of every organizer and judge
// action that changes results: who, when, what, why.
//
// Redis keys:
//
//	arena:{cid}:audit   STREAM  fields: entry (JSON)
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Key is the audit log of contest cid.
func Key(cid string) string { return "arena:{" + cid + "}:audit" }

// Entry is one audited action.
type Entry struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Who    string    `json:"who"`
	Action string    `json:"action"`
	// Target names what was acted on: a submission, a challenge, a contestant.
	Target string `json:"target,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Details holds what changed, e.g. old and new values.
	Details map[string]any `json:"details,omitempty"`
}

// Log appends to and reads audit logs.
type Log struct {
	rdb redis.UniversalClient
	now func() time.Time
}

// New returns an audit log on rdb.
func New(rdb redis.UniversalClient) *Log { return &Log{rdb: rdb, now: time.Now} }

// Append records an action in contest cid's log.
func (l *Log) Append(ctx context.Context, cid string, e Entry) error {
	if e.At.IsZero() {
		e.At = l.now().UTC()
	}
	e.ID = ""
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode audit entry: %w", err)
	}
	if err := l.rdb.XAdd(ctx, &redis.XAddArgs{Stream: Key(cid), Values: []any{"entry", b}}).Err(); err != nil {
		return fmt.Errorf("append audit entry to %s: %w", cid, err)
	}
	return nil
}

// List returns contest cid's audit log, newest first, at most limit entries.
func (l *Log) List(ctx context.Context, cid string, limit int64) ([]Entry, error) {
	return l.ListBefore(ctx, cid, "", limit)
}

// ListBefore returns at most limit entries older than the entry with id
// before (all entries when before is ""), newest first: the next page.
func (l *Log) ListBefore(ctx context.Context, cid, before string, limit int64) ([]Entry, error) {
	top := "+"
	if before != "" {
		top = "(" + before
	}
	msgs, err := l.rdb.XRevRangeN(ctx, Key(cid), top, "-", limit).Result()
	if err != nil {
		return nil, fmt.Errorf("read audit log of %s: %w", cid, err)
	}
	out := make([]Entry, 0, len(msgs))
	for _, m := range msgs {
		var e Entry
		raw, _ := m.Values["entry"].(string)
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			return nil, fmt.Errorf("decode audit entry %s of %s: %w", m.ID, cid, err)
		}
		e.ID = m.ID
		out = append(out, e)
	}
	return out, nil
}
