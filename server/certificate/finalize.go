package certificate

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/contest"
)

// Finalize locks contest cid's results and issues a signed record to every
// winner (an award or a certificate level), numbered by the rules' pattern
// in standings order. It cannot be undone: it needs a reason, is audited,
// and is refused when already done.
func (s *Service) Finalize(ctx context.Context, cid, who, reason string) (*Review, []Record, error) {
	ct, err := s.contestWithRules(ctx, cid)
	if err != nil {
		return nil, nil, err
	}
	if !s.Final(ct) {
		return nil, nil, ErrNotFinal
	}
	if done, err := s.Finalized(ctx, cid); err != nil {
		return nil, nil, err
	} else if done {
		// Index the records again, in case indexing failed after they were stored.
		if recs, err := s.stored(ctx, cid); err == nil {
			_ = s.index(ctx, cid, recs)
		}
		return nil, nil, ErrFinalized
	}
	if strings.TrimSpace(reason) == "" {
		return nil, nil, badInput("cert.reason_finalize")
	}
	rv, err := s.compute(ctx, ct)
	if err != nil {
		return nil, nil, err
	}
	priv, keyID, err := s.keys.Signer(ctx)
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	issued := now.In(ct.Location())
	var recs []Record
	for i := range rv.Entries {
		e := &rv.Entries[i]
		if !e.Winner() {
			continue
		}
		if e.Holder.IDNumber == "" {
			return nil, nil, badInput("cert.no_id_number", e.Contestant)
		}
		r := s.newRecord(ct, e, issued, len(recs)+1)
		if err := sign(&r, priv, keyID); err != nil {
			return nil, nil, err
		}
		e.Number = r.Number
		recs = append(recs, r)
	}
	if err := s.checkNumbersFree(ctx, cid, recs); err != nil {
		return nil, nil, err
	}
	at := now.UTC()
	rv.Finalized, rv.FinalizedAt, rv.FinalizedBy = true, &at, who
	snap, err := json.Marshal(rv)
	if err != nil {
		return nil, nil, fmt.Errorf("encode certificates of %s: %w", cid, err)
	}
	// The snapshot and the records go in one transaction, only if no other
	// finalize got there first.
	err = s.rdb.Watch(ctx, func(tx *redis.Tx) error {
		n, err := tx.Exists(ctx, finalKey(cid)).Result()
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrFinalized
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, finalKey(cid), snap, 0)
			for _, r := range recs {
				b, _ := json.Marshal(r)
				p.HSet(ctx, recordsKey(cid), r.Number, b)
			}
			return nil
		})
		return err
	}, finalKey(cid))
	if errors.Is(err, ErrFinalized) || errors.Is(err, redis.TxFailedErr) {
		return nil, nil, ErrFinalized
	}
	if err != nil {
		return nil, nil, fmt.Errorf("finalize certificates of %s: %w", cid, err)
	}
	if err := s.index(ctx, cid, recs); err != nil {
		return nil, nil, err
	}
	levels, awards := 0, 0
	for _, r := range recs {
		if r.Level != rules.NoLevel {
			levels++
		}
		if r.Award != "" {
			awards++
		}
	}
	if err := s.audit.Append(ctx, cid, audit.Entry{Who: who, Action: "certificate.finalize", Reason: reason,
		Details: map[string]any{"records": len(recs), "levels": levels, "awards": awards, "key_id": keyID}}); err != nil {
		return nil, nil, err
	}
	return rv, recs, nil
}

func (s *Service) newRecord(ct *contest.Contest, e *Entry, issued time.Time, seq int) Record {
	rs := ct.Certificates
	h := e.Holder
	h.Phone, h.Email = "", ""
	title := cmp.Or(ct.Title.Zh, ct.Title.En)
	r := Record{Signed: Signed{Version: recordVersion,
		Number:  rules.FormatNumber(rs.Number, rules.NumberFields{Contest: ct.ID, Issued: issued, Level: e.Level, Code: rs.OccupationCode, Seq: seq}),
		Contest: ct.ID, ContestTitle: title, Tier: ct.Tier,
		Occupation: rs.Occupation, OccupationCode: rs.OccupationCode, WorkType: rs.WorkType,
		Level: e.Level, Award: e.Award, AwardTitle: e.AwardTitle, Rank: e.Rank, Total: e.Total, Holder: h,
		Issued: issued.Format(time.DateOnly), Issuer: rs.Issuer, Parts: e.PartScores, Code: NewCode()}}
	if ct.Title.En != "" && ct.Title.En != title {
		r.ContestTitleEn = ct.Title.En
	}
	return r
}

// checkNumbersFree refuses numbers another contest already issued.
func (s *Service) checkNumbersFree(ctx context.Context, cid string, recs []Record) error {
	if len(recs) == 0 {
		return nil
	}
	numbers := make([]string, len(recs))
	for i, r := range recs {
		numbers[i] = r.Number
	}
	owners, err := s.rdb.HMGet(ctx, indexKey, numbers...).Result()
	if err != nil {
		return fmt.Errorf("check certificate numbers: %w", err)
	}
	for i, o := range owners {
		if other, ok := o.(string); ok && other != cid {
			return badInput("cert.number_taken", numbers[i], other)
		}
	}
	return nil
}

// index makes the records findable by number and by holder.
func (s *Service) index(ctx context.Context, cid string, recs []Record) error {
	if len(recs) == 0 {
		return nil
	}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, r := range recs {
			p.HSet(ctx, indexKey, r.Number, cid)
			p.SAdd(ctx, holderKey(r.Holder.IDNumber), r.Number)
			if r.AgencyNumber != "" {
				p.HSetNX(ctx, agencyKey, r.AgencyNumber, r.Number)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("index the certificates of %s: %w", cid, err)
	}
	return nil
}

// Record returns the certificate with number, as stored.
func (s *Service) Record(ctx context.Context, number string) (*Record, error) {
	if number == "" || len(number) > 128 {
		return nil, ErrNotFound
	}
	cid, err := s.rdb.HGet(ctx, indexKey, number).Result()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("look up certificate %s: %w", number, err)
	}
	raw, err := s.rdb.HGet(ctx, recordsKey(cid), number).Result()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read certificate %s: %w", number, err)
	}
	var r Record
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return nil, fmt.Errorf("decode certificate %s: %w", number, err)
	}
	return &r, nil
}

// IssuedRecords is Records of a finalized contest; ErrNotFinalized before.
func (s *Service) IssuedRecords(ctx context.Context, cid string) ([]Record, error) {
	if done, err := s.Finalized(ctx, cid); err != nil {
		return nil, err
	} else if !done {
		return nil, ErrNotFinalized
	}
	return s.Records(ctx, cid)
}

// Records returns contest cid's certificates in issue order, each
// unrevoked one with its verification code (given now to those issued
// before codes, see withCodes).
func (s *Service) Records(ctx context.Context, cid string) ([]Record, error) {
	recs, err := s.stored(ctx, cid)
	if err != nil {
		return nil, err
	}
	return s.withCodes(ctx, recs)
}

// stored returns contest cid's certificates in issue order, as stored.
func (s *Service) stored(ctx context.Context, cid string) ([]Record, error) {
	m, err := s.rdb.HGetAll(ctx, recordsKey(cid)).Result()
	if err != nil {
		return nil, fmt.Errorf("read certificates of %s: %w", cid, err)
	}
	out := make([]Record, 0, len(m))
	for n, raw := range m {
		var r Record
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			return nil, fmt.Errorf("decode certificate %s: %w", n, err)
		}
		out = append(out, r)
	}
	rank := func(r Record) int {
		if r.Rank == 0 {
			return 1 << 30
		}
		return r.Rank
	}
	slices.SortFunc(out, func(a, b Record) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(a.Number, b.Number))
	})
	return out, nil
}

// update rewrites a stored record after change, which may return an
// error to leave it as it was. It holds the record's contest key while it works.
func (s *Service) update(ctx context.Context, number string, change func(*Record) error) (*Record, error) {
	r, err := s.Record(ctx, number)
	if err != nil {
		return nil, err
	}
	cid := r.Contest
	var out *Record
	err = s.rdb.Watch(ctx, func(tx *redis.Tx) error {
		raw, err := tx.HGet(ctx, recordsKey(cid), number).Result()
		if err != nil {
			return err
		}
		var cur Record
		if err := json.Unmarshal([]byte(raw), &cur); err != nil {
			return err
		}
		if err := change(&cur); err != nil {
			return err
		}
		b, err := json.Marshal(cur)
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, recordsKey(cid), number, b)
			return nil
		})
		out = &cur
		return err
	}, recordsKey(cid))
	if err != nil {
		var ie *InputError
		if errors.Is(err, ErrRevoked) || errors.As(err, &ie) {
			return nil, err
		}
		return nil, fmt.Errorf("update certificate %s: %w", number, err)
	}
	return out, nil
}

// Revoke marks a certificate revoked, with the reason, audited.
func (s *Service) Revoke(ctx context.Context, number, who, reason string) (*Record, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, badInput("cert.reason_revoke")
	}
	r, err := s.update(ctx, number, func(r *Record) error {
		if r.Revoked != nil {
			return ErrRevoked
		}
		r.Revoked = &Revocation{At: s.now().UTC(), By: who, Reason: reason}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.audit.Append(ctx, r.Contest, audit.Entry{Who: who, Action: "certificate.revoke", Target: number, Reason: reason}); err != nil {
		return nil, err
	}
	return r, nil
}

// SetAgencyNumber records the national certificate number an evaluation
// agency assigned (one letter and 21 digits), with a reason, and signs the
// record again. A national number belongs to one certificate: one already
// on another is refused.
func (s *Service) SetAgencyNumber(ctx context.Context, number, agency, who, reason string) (*Record, error) {
	agency = strings.TrimSpace(agency)
	if err := rules.CheckNationalNumber(agency); err != nil {
		return nil, badInputOf("cert.agency_number", rules.TextOf(err))
	}
	if strings.TrimSpace(reason) == "" {
		return nil, badInput("cert.reason_agency")
	}
	r, err := s.Record(ctx, number)
	if err != nil {
		return nil, err
	}
	out, err := s.setAgencyNumbers(ctx, r.Contest, map[string]string{r.Number: agency})
	if err != nil {
		return nil, err
	}
	rec := out[0]
	if err := s.audit.Append(ctx, rec.Contest, audit.Entry{Who: who, Action: "certificate.agency_number", Target: number, Reason: reason,
		Details: map[string]any{"from": rec.old, "to": agency}}); err != nil {
		return nil, err
	}
	return &rec.Record, nil
}
