package certificate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/certificate/rules"
)

// held is what this platform's own certificates say of one person: the
// best level it issued them and that certificate's number, and the date of
// their latest promotion.
type held struct {
	Level    rules.Level
	Number   string
	Promoted time.Time
}

// heldBy returns what the certificates with a level issued to the person
// with idNumber by other contests than except, and not revoked, say.
func (s *Service) heldBy(ctx context.Context, idNumber, except string) (held, error) {
	var h held
	if idNumber == "" {
		return h, nil
	}
	numbers, err := s.rdb.SMembers(ctx, holderKey(idNumber)).Result()
	if err != nil {
		return h, fmt.Errorf("read earlier certificates: %w", err)
	}
	for _, n := range numbers {
		r, err := s.Record(ctx, n)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return h, err
		}
		if r.Contest == except || r.Revoked != nil || !r.Level.Valid() {
			continue
		}
		d, err := time.ParseInLocation(time.DateOnly, r.Issued, Zone())
		if err != nil {
			continue
		}
		if d.After(h.Promoted) {
			h.Promoted = d
		}
		if !h.Level.Valid() || r.Level < h.Level || r.Level == h.Level && r.Number > h.Number {
			h.Level, h.Number = r.Level, r.Number
		}
	}
	return h, nil
}

// withHeld completes e, the entrant of account u in contest cid, with the
// certificates this platform issued them: the level held is the higher of
// the imported one and the last this platform issued (matched by ID
// number), the last promotion the later of both. numbers gets the number
// of the certificate of the level held: this platform's, or the imported one.
func (s *Service) withHeld(ctx context.Context, e *rules.Entrant, u account.User, cid string, numbers map[string]string) error {
	h, err := s.heldBy(ctx, u.IDNumber, cid)
	if err != nil {
		return err
	}
	if u.LevelNumber != "" && e.Level.Valid() {
		numbers[u.Username] = u.LevelNumber
	}
	if h.Promoted.After(e.Promoted) {
		e.Promoted = h.Promoted
	}
	if h.Level.Valid() && (!e.Level.Valid() || h.Level <= e.Level) {
		e.Level = h.Level
		numbers[u.Username] = h.Number
	}
	return nil
}
