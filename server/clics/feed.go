package clics

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/submission"
)

// The event feed is the contest's event log (server/events) as
// notifications. A token is the id of the log event a notification comes
// from, given on the last notification of that event, so a client that
// resumes with ?since_token= gets every event after it. The objects that
// change without an event — the contest's state as the clock passes the
// start, the freeze and the end, and the awards — are sent when they
// change, and again at every resume.

// feedBatch is how many log events the feed reads at a time.
const feedBatch = 500

// writeTimeout bounds one write of the feed to a client that stopped reading.
const writeTimeout = 30 * time.Second

func (a *API) scoreboard(c *fiber.Ctx) error {
	v, err := a.load(c)
	if err != nil {
		return err
	}
	if c.Query("group_id") != "" {
		return request.BadRequest("group_id: this contest has no groups")
	}
	sb, err := a.scoreboardOf(c.UserContext(), v)
	if err != nil {
		return request.Internal(err)
	}
	return c.JSON(sb)
}

// submissionFiles answers a submission's file as a zip archive, to its
// contest's staff only (the public view lists no files).
func (a *API) submissionFiles(c *fiber.Ctx) error {
	v, err := a.load(c)
	if err != nil {
		return err
	}
	id := c.Params("id")
	missing := request.NotFound(fmt.Sprintf("no submission %q in contest %s", id, v.ct.ID))
	if !v.staff || strings.ContainsAny(id, "-.") {
		return missing
	}
	sub, err := a.Submissions.Get(c.UserContext(), v.ct.ID+"-"+id)
	if errors.Is(err, submission.ErrNotFound) {
		return missing
	}
	if err != nil {
		return request.Internal(err)
	}
	data, err := a.Blobs.Get(c.UserContext(), sub.Blob)
	if err != nil {
		return request.Internal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	name := path.Base(request.SafeFileName(sub.FileName, "submission"))
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: sub.SubmittedAt})
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return request.Internal(fmt.Errorf("zip submission %s: %w", sub.ID, err))
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="files.zip"`)
	return c.Send(buf.Bytes())
}

// notification is one line of the feed.
type notification struct {
	Type  string  `json:"type"`
	ID    *string `json:"id"`
	Data  any     `json:"data"`
	Token string  `json:"token,omitempty"`
}

// feed answers the NDJSON event feed. A since_token that is not one this
// feed gave, or whose events are no longer kept, is a 400. With
// stream=false the feed ends once it has caught up.
func (a *API) feed(c *fiber.Ctx) error {
	v, err := a.load(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	since := strings.Clone(c.Query("since_token"))
	stream := c.Query("stream") != "false"
	last, err := a.Events.Last(ctx, v.ct.ID)
	if err != nil {
		return request.Internal(err)
	}
	if since != "" {
		bad := request.BadRequest("since_token: " + since + " is not a token of this feed, or is too old: reconnect without it")
		if _, err := events.ParseID(since); err != nil || events.Less(last, since) {
			return bad
		}
		if _, err := a.Events.Since(ctx, v.ct.ID, since, 1); errors.Is(err, events.ErrTooOld) {
			return bad
		} else if err != nil {
			return request.Internal(err)
		}
	}
	c.Set(fiber.HeaderContentType, "application/x-ndjson")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	conn := c.Context().Conn()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		f := &feeder{API: a, w: w, conn: conn, v: v, pos: since, until: last, stream: stream, sent: map[string]string{}}
		if err := f.run(context.Background()); err != nil && !errors.Is(err, errClosed) {
			a.Log.Warn("clics event feed stopped", "contest", v.ct.ID, "err", err)
		}
	})
	return nil
}

var errClosed = errors.New("client gone")

// feeder writes one client's feed.
type feeder struct {
	*API
	w         *bufio.Writer
	conn      net.Conn
	v         view
	pos       string // the last log event sent
	until     string // with !stream: the last event to send
	stream    bool
	lastWrite time.Time
	state     string
	sent      map[string]string // award id -> its JSON as last sent
	pending   []notification
	// maxSub is the highest submission number sent (-1: unknown, on a
	// resumed feed before its first submission).
	maxSub int64
	// visible is whether the public saw results after the freeze when the
	// feed last looked (nil: unknown, on a resumed feed).
	visible *bool
}

func (f *feeder) run(ctx context.Context) error {
	f.maxSub = -1
	if f.pos == "" {
		f.pos, f.maxSub = "0-0", 0
		f.visible = ptr(resultsVisible(f.v))
		if err := f.configuration(ctx); err != nil {
			return err
		}
	}
	if err := f.live(ctx); err != nil {
		return err
	}
	if err := f.flush(); err != nil {
		return err
	}
	for {
		evs, err := f.Events.Since(ctx, f.v.ct.ID, f.pos, feedBatch)
		if err != nil {
			return err
		}
		if !f.stream {
			for i, ev := range evs {
				if events.Less(f.until, ev.ID) {
					evs = evs[:i]
					break
				}
			}
		}
		for _, ev := range evs {
			if err := f.event(ctx, ev); err != nil {
				return err
			}
			f.pos = ev.ID
		}
		f.v.now = f.Now()
		if err := f.live(ctx); err != nil {
			return err
		}
		if err := f.flush(); err != nil {
			return err
		}
		if len(evs) == feedBatch {
			continue
		}
		if !f.stream {
			return nil
		}
		if time.Since(f.lastWrite) >= f.KeepAlive {
			if err := f.write([]byte("\n")); err != nil {
				return err
			}
		}
		time.Sleep(f.Poll)
	}
}

// add queues a notification; token marks the last one of a log event.
func (f *feeder) add(typ string, id string, data any) {
	n := notification{Type: typ, Data: data}
	if id != "" {
		n.ID = &id
	}
	f.pending = append(f.pending, n)
}

func (f *feeder) tokenLast(token string, from int) {
	if len(f.pending) > from {
		f.pending[len(f.pending)-1].Token = token
	}
}

func (f *feeder) flush() error {
	if len(f.pending) == 0 {
		return nil
	}
	var buf bytes.Buffer
	for _, n := range f.pending {
		b, err := json.Marshal(n)
		if err != nil {
			return fmt.Errorf("encode %s notification: %w", n.Type, err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	f.pending = f.pending[:0]
	return f.write(buf.Bytes())
}

func (f *feeder) write(b []byte) error {
	if f.conn != nil {
		_ = f.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	}
	if _, err := f.w.Write(b); err != nil {
		return errClosed
	}
	if err := f.w.Flush(); err != nil {
		return errClosed
	}
	f.lastWrite = time.Now()
	return nil
}

// configuration sends the contest and everything configured in it.
func (f *feeder) configuration(ctx context.Context) error {
	f.add("contest", "", contestOf(f.v.ct))
	for _, ep := range []string{"judgement-types", "languages", "problems", "organizations", "teams"} {
		if err := f.resend(ctx, ep); err != nil {
			return err
		}
	}
	return nil
}

// live sends the state and the awards where they changed since last sent.
func (f *feeder) live(ctx context.Context) error {
	st, err := f.stateOf(ctx, f.v)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(st)
	if string(b) != f.state {
		if f.state != "" && !f.v.staff && st.Started != nil && !strings.Contains(f.state, `"started":"`) {
			if err := f.resend(ctx, "problems"); err != nil {
				return err
			}
		}
		f.state = string(b)
		f.add("state", "", st)
	}
	aws, err := f.awards(ctx, f.v)
	if err != nil {
		return err
	}
	for _, aw := range aws {
		b, _ := json.Marshal(aw)
		if f.sent[aw.ID] != string(b) {
			f.sent[aw.ID] = string(b)
			f.add("awards", aw.ID, aw)
		}
	}
	return nil
}

// resend sends every object of endpoint ep as the viewer sees it now.
func (f *feeder) resend(ctx context.Context, ep string) error {
	objs, err := f.list(ctx, f.v, ep)
	if err != nil {
		return err
	}
	for _, o := range objs {
		m, err := fields(o)
		if err != nil {
			return err
		}
		id, _ := m["id"].(string)
		f.add(ep, id, o)
	}
	return nil
}

// event sends the notifications of one log event.
func (f *feeder) event(ctx context.Context, ev events.Event) error {
	from := len(f.pending)
	defer f.tokenLast(ev.ID, from)
	switch ev.Type {
	case events.TypeSubmission, events.TypeJudging, events.TypeVerdict:
		d, err := events.Decode[events.SubmissionData](ev)
		if err != nil {
			return err
		}
		return f.submission(ctx, ev.Type, d.Submission.ID)
	case events.TypeReveal:
		if f.v.staff {
			return nil
		}
		d, err := events.Decode[events.RevealData](ev)
		if err != nil {
			return err
		}
		subs, err := f.Submissions.List(ctx, f.v.ct.ID, submission.Filter{Challenge: d.Reveal.Challenge, Contestant: d.Reveal.Contestant},
			maxSubmissions, maxSubmissions)
		if err != nil {
			return err
		}
		for i := len(subs) - 1; i >= 0; i-- {
			if err := f.submission(ctx, events.TypeVerdict, subs[i].ID); err != nil {
				return err
			}
		}
		return nil
	case events.TypeClarification:
		d, err := events.Decode[events.ClarificationData](ev)
		if err != nil {
			return err
		}
		for _, m := range clarificationsOf(f.v, d.Clarification) {
			f.add("clarifications", m.ID, m)
		}
		return nil
	case events.TypeReset:
		return f.reset(ctx, ev.ID)
	}
	return nil
}

// submission sends a submission (a submission event) or its judgement and
// runs (judging, verdict), as they are now.
func (f *feeder) submission(ctx context.Context, typ, sid string) error {
	sub, err := f.Submissions.Get(ctx, sid)
	if errors.Is(err, submission.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	hidden, err := f.hider(ctx, f.v)
	if err != nil {
		return err
	}
	s, j, runs := f.mapSubmission(f.v, sub, hidden(sub))
	if typ == events.TypeSubmission {
		if _, n, _ := submission.SplitID(sid); n > f.maxSub {
			f.maxSub = n
		}
		f.add("submissions", s.ID, s)
		return nil
	}
	if j == nil {
		return nil
	}
	f.add("judgements", j.ID, j)
	for _, r := range runs {
		f.add("runs", r.ID, r)
	}
	return nil
}

// reset follows a change of the contest or its board that no finer event
// describes (times, contestants, an unfreeze): the configuration again
// and, for the public once results after the freeze became visible (an
// unfreeze, the end of a reveal, a freeze cleared), the judgements of the
// submissions already sent, which the client saw unjudged.
func (f *feeder) reset(ctx context.Context, at string) error {
	ct, err := f.Contests.Get(ctx, f.v.ct.ID)
	if err != nil {
		return err
	}
	f.v.ct = ct
	if err := f.configuration(ctx); err != nil {
		return err
	}
	if f.v.staff {
		return nil
	}
	was, now := f.visible, resultsVisible(f.v)
	f.visible = &now
	if !now || was != nil && *was {
		return nil
	}
	upTo := f.maxSub
	if upTo < 0 {
		if upTo, err = f.submissionsBefore(ctx, at); err != nil {
			return err
		}
	}
	j, err := f.judged(ctx, f.v)
	if err != nil {
		return err
	}
	sent := func(id string) bool {
		n, err := strconv.ParseInt(id, 10, 64)
		return err == nil && n <= upTo
	}
	for _, x := range j.judgements {
		if sent(x.ID) {
			f.add("judgements", x.ID, x)
		}
	}
	for _, r := range j.runs {
		if sent(r.JudgementID) {
			f.add("runs", r.ID, r)
		}
	}
	return nil
}

// resultsVisible reports whether the public sees every result, after the
// freeze too.
func resultsVisible(v view) bool {
	p := v.ct.BoardParams()
	return v.staff || p.Freeze < 0 || p.Unfrozen
}

// submissionsBefore is the highest submission number made before log
// event id: numbers grow in log order, so it is one less than the first
// submission after id, or the newest when none follows.
func (f *feeder) submissionsBefore(ctx context.Context, id string) (int64, error) {
	for pos := id; ; {
		evs, err := f.Events.Since(ctx, f.v.ct.ID, pos, feedBatch)
		if err != nil {
			return 0, err
		}
		for _, ev := range evs {
			if ev.Type != events.TypeSubmission {
				continue
			}
			d, err := events.Decode[events.SubmissionData](ev)
			if err != nil {
				return 0, err
			}
			_, n, _ := submission.SplitID(d.Submission.ID)
			return n - 1, nil
		}
		if len(evs) < feedBatch {
			return math.MaxInt64, nil
		}
		pos = evs[len(evs)-1].ID
	}
}
