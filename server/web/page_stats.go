package web

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/submission"
)

// Bounds of the statistics page: submissions read, events read at a time.
const (
	statsScan        = 100000
	statsEventsBatch = 5000
	// chartBins is about how many bars the submissions chart has.
	chartBins = 30
)

// Chart geometry, in SVG user units: the plot area sits inside margins
// that hold the axes' labels.
const (
	chartW, chartH            = 720, 220
	chartLeft, chartBottom    = 44, 26
	chartTop, chartRight      = 10, 10
	plotW                     = chartW - chartLeft - chartRight
	plotH                     = chartH - chartTop - chartBottom
	challengeBarH, challengeG = 22, 10
)

// chart is an SVG chart drawn on the server: bars, a line, axis labels.
type chart struct {
	W, H   int
	Bars   []chartBar
	Line   string
	Labels []chartLabel
	// Grid are the horizontal rules at the Y axis's ticks.
	Grid []float64
	// X0, X1, Y0 bound the plot area.
	X0, X1, Y0 float64
}

type chartBar struct {
	X, Y, W, H float64
	Class      string
	Title      string
}

type chartLabel struct {
	X, Y   float64
	Text   string
	Anchor string
}

// outcomeCount is one outcome's count in a challenge's row.
type outcomeCount struct {
	Outcome string
	N       int
}

type challengeStats struct {
	Slug, Title string
	Total       int
	Solvers     int
	Counts      []outcomeCount
}

type statsPageData struct {
	page
	Submissions, Accepted, Pending int
	Submitters, Registered         int
	// LongestWait is the longest a submission waited for its first verdict.
	LongestWait string
	MaxQueue    int
	Truncated   bool
	OverTime    chart
	ByChallenge chart
	Queue       chart
	Challenges  []challengeStats
	Outcomes    []string
	BinMinutes  int
}

// statsPage shows a contest's statistics to its organizers: submissions
// over time, verdicts by challenge, and the judging queue over time, as
// SVG charts drawn here, with the numbers in tables beside them. The queue
// comes from the contest's events: each submission joins it when queued
// and leaves it at its first verdict (a rejudge's later verdict does not
// count).
func (s *Site) statsPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "stats.title", "admin")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	subs, err := s.Submissions.List(ctx, ct.ID, submission.Filter{}, statsScan, statsScan)
	if err != nil {
		return request.Internal(err)
	}
	members, err := s.Contests.Members(ctx, ct.ID)
	if err != nil {
		return request.Internal(err)
	}
	d := statsPageData{page: p, Submissions: len(subs), Registered: len(members), Truncated: len(subs) == statsScan}
	now := s.Now()
	// The charts' clock times are the contest's.
	from, to := ct.Start.In(ct.Location()), ct.End.In(ct.Location())
	if now.Before(to) {
		to = now
	}
	if !to.After(from) {
		to = from.Add(time.Minute)
	}
	submitters := map[string]bool{}
	for _, sub := range subs {
		submitters[sub.Contestant] = true
		switch {
		case sub.Status != submission.Done:
			d.Pending++
		case sub.Outcome == string(verdict.Accepted):
			d.Accepted++
		}
		if sub.SubmittedAt.After(to) {
			to = sub.SubmittedAt
		}
	}
	d.Submitters = len(submitters)
	queue, longest, err := s.queueSteps(c, ct.ID)
	if err != nil {
		return err
	}
	if n := len(queue); n > 0 && queue[n-1].at.After(to) {
		to = queue[n-1].at
	}
	d.OverTime, d.BinMinutes = submissionsChart(subs, from, to)
	d.Challenges, d.Outcomes = verdictsByChallenge(ct, subs, p.Lang)
	d.ByChallenge = challengesChart(d.Challenges)
	d.Queue, d.MaxQueue = queueChart(queue, from, to)
	if longest > 0 {
		d.LongestWait = longest.Round(time.Second).String()
	}
	return s.render(c, "stats", d)
}

// queueStep is the queue's length from a moment on.
type queueStep struct {
	at time.Time
	n  int
}

// queueSteps replays contest cid's events: the queue's length after each
// change, and the longest wait for a first verdict.
func (s *Site) queueSteps(c *fiber.Ctx, cid string) ([]queueStep, time.Duration, error) {
	queued := map[string]time.Time{}
	var steps []queueStep
	var longest time.Duration
	n := 0
	err := s.Events.Each(c.UserContext(), cid, statsEventsBatch, func(e events.Event) error {
		id, err := events.ParseID(e.ID)
		if err != nil {
			return nil
		}
		at := time.UnixMilli(int64(id.MS))
		var data struct {
			Submission struct {
				ID string `json:"id"`
			} `json:"submission"`
		}
		if json.Unmarshal(e.Data, &data) != nil || data.Submission.ID == "" {
			return nil
		}
		sub := data.Submission
		switch e.Type {
		case events.TypeSubmission:
			if _, seen := queued[sub.ID]; seen {
				return nil
			}
			queued[sub.ID] = at
			n++
		case events.TypeVerdict:
			since, ok := queued[sub.ID]
			if !ok || since.IsZero() {
				return nil // judged before, or queued before the kept events
			}
			queued[sub.ID] = time.Time{}
			longest = max(longest, at.Sub(since))
			n--
		}
		steps = append(steps, queueStep{at: at, n: n})
		return nil
	}, events.TypeSubmission, events.TypeVerdict)
	if err != nil {
		return nil, 0, request.Internal(err)
	}
	return steps, longest, nil
}

// niceMinutes are the bar widths the submissions chart picks from.
var niceMinutes = []int{1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 360, 720, 1440}

// submissionsChart counts submissions per bin of time from..to, each bar
// split into accepted, rejected and not yet judged.
func submissionsChart(subs []submission.Submission, from, to time.Time) (chart, int) {
	span := to.Sub(from)
	bin := niceMinutes[len(niceMinutes)-1]
	for _, m := range niceMinutes {
		if time.Duration(m)*time.Minute*chartBins >= span {
			bin = m
			break
		}
	}
	width := time.Duration(bin) * time.Minute
	nBins := max(1, int(math.Ceil(float64(span)/float64(width))))
	type counts struct{ ok, bad, wait int }
	bins := make([]counts, nBins)
	for _, sub := range subs {
		i := int(sub.SubmittedAt.Sub(from) / width)
		if i < 0 || i >= nBins {
			i = min(max(i, 0), nBins-1)
		}
		switch {
		case sub.Status != submission.Done:
			bins[i].wait++
		case sub.Outcome == string(verdict.Accepted):
			bins[i].ok++
		default:
			bins[i].bad++
		}
	}
	top := 1
	for _, b := range bins {
		top = max(top, b.ok+b.bad+b.wait)
	}
	ch := newChart(chartH)
	scale := yAxis(&ch, top)
	barW := float64(plotW) / float64(nBins)
	for i, b := range bins {
		x := ch.X0 + float64(i)*barW
		y := ch.Y0
		start := from.Add(time.Duration(i) * width).Format("15:04")
		for _, part := range []struct {
			n     int
			class string
		}{{b.ok, "ok"}, {b.bad, "bad"}, {b.wait, "wait"}} {
			if part.n == 0 {
				continue
			}
			h := float64(part.n) * scale
			y -= h
			ch.Bars = append(ch.Bars, chartBar{X: x + 1, Y: y, W: max(1, barW-2), H: h, Class: part.class,
				Title: fmt.Sprintf("%s: %d", start, part.n)})
		}
	}
	timeAxis(&ch, from, to)
	return ch, bin
}

// verdictsByChallenge counts each challenge's submissions by outcome, in
// the contest's order of challenges, and the outcomes that occur.
func verdictsByChallenge(ct *contest.Contest, subs []submission.Submission, lang string) ([]challengeStats, []string) {
	byOutcome := map[string]map[string]int{}
	solvers := map[string]map[string]bool{}
	seen := map[string]bool{}
	for _, sub := range subs {
		o := sub.Outcome
		if sub.Status != submission.Done {
			o = string(sub.Status)
		}
		if byOutcome[sub.Challenge] == nil {
			byOutcome[sub.Challenge] = map[string]int{}
			solvers[sub.Challenge] = map[string]bool{}
		}
		byOutcome[sub.Challenge][o]++
		seen[o] = true
		if o == string(verdict.Accepted) {
			solvers[sub.Challenge][sub.Contestant] = true
		}
	}
	var outcomes []string
	for _, o := range append(append([]string{}, feedOutcomes...), string(submission.Queued), string(submission.Judging)) {
		if seen[o] {
			outcomes = append(outcomes, o)
		}
	}
	var out []challengeStats
	for _, ch := range ct.Challenges {
		cs := challengeStats{Slug: ch.Slug, Title: ch.Title.In(lang), Solvers: len(solvers[ch.Slug])}
		for _, o := range outcomes {
			n := byOutcome[ch.Slug][o]
			cs.Counts = append(cs.Counts, outcomeCount{Outcome: o, N: n})
			cs.Total += n
		}
		out = append(out, cs)
	}
	return out, outcomes
}

// challengesChart is one horizontal bar per challenge, split by outcome.
func challengesChart(cs []challengeStats) chart {
	h := chartTop + len(cs)*(challengeBarH+challengeG) + chartBottom
	ch := chart{W: chartW, H: h, X0: 170, X1: chartW - chartRight, Y0: float64(h - chartBottom)}
	top := 1
	for _, c := range cs {
		top = max(top, c.Total)
	}
	scale := (ch.X1 - ch.X0) / float64(top)
	for i, c := range cs {
		y := float64(chartTop + i*(challengeBarH+challengeG))
		ch.Labels = append(ch.Labels, chartLabel{X: ch.X0 - 6, Y: y + challengeBarH*0.7, Text: clipLabel(c.Title, 14), Anchor: "end"})
		x := ch.X0
		for _, oc := range c.Counts {
			if oc.N == 0 {
				continue
			}
			w := float64(oc.N) * scale
			ch.Bars = append(ch.Bars, chartBar{X: x, Y: y, W: w, H: challengeBarH, Class: "o-" + oc.Outcome,
				Title: fmt.Sprintf("%s · %s: %d", c.Title, oc.Outcome, oc.N)})
			x += w
		}
	}
	for _, v := range ticks(top) {
		x := ch.X0 + float64(v)*scale
		ch.Labels = append(ch.Labels, chartLabel{X: x, Y: ch.Y0 + 16, Text: strconv.Itoa(v), Anchor: "middle"})
	}
	return ch
}

// queueChart draws the queue's length over from..to as a step line.
func queueChart(steps []queueStep, from, to time.Time) (chart, int) {
	top := 1
	for _, s := range steps {
		top = max(top, s.n)
	}
	ch := newChart(chartH)
	scale := yAxis(&ch, top)
	span := float64(to.Sub(from))
	x := func(t time.Time) float64 {
		f := float64(t.Sub(from)) / span
		return ch.X0 + min(1, max(0, f))*float64(plotW)
	}
	pts := []string{fmt.Sprintf("%.1f,%.1f", ch.X0, ch.Y0)}
	n := 0
	for _, s := range steps {
		px := x(s.at)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", px, ch.Y0-float64(n)*scale), fmt.Sprintf("%.1f,%.1f", px, ch.Y0-float64(s.n)*scale))
		n = s.n
	}
	pts = append(pts, fmt.Sprintf("%.1f,%.1f", ch.X1, ch.Y0-float64(n)*scale))
	ch.Line = strings.Join(pts, " ")
	timeAxis(&ch, from, to)
	maxN := 0
	for _, s := range steps {
		maxN = max(maxN, s.n)
	}
	return ch, maxN
}

func newChart(h int) chart {
	return chart{W: chartW, H: h, X0: chartLeft, X1: chartW - chartRight, Y0: float64(h - chartBottom)}
}

// yAxis labels the Y axis of counts 0..top and returns units per count.
func yAxis(ch *chart, top int) float64 {
	tk := ticks(top)
	high := max(top, tk[len(tk)-1])
	scale := float64(plotH) / float64(high)
	for _, v := range tk {
		y := ch.Y0 - float64(v)*scale
		ch.Grid = append(ch.Grid, y)
		ch.Labels = append(ch.Labels, chartLabel{X: ch.X0 - 6, Y: y + 4, Text: strconv.Itoa(v), Anchor: "end"})
	}
	return scale
}

// timeAxis labels the X axis with clock times from..to.
func timeAxis(ch *chart, from, to time.Time) {
	const n = 6
	layout := "15:04"
	if to.Sub(from) < 10*time.Minute {
		layout = "15:04:05"
	}
	for i := 0; i <= n; i++ {
		t := from.Add(time.Duration(float64(to.Sub(from)) * float64(i) / n))
		anchor := "middle"
		switch i {
		case 0:
			anchor = "start"
		case n:
			anchor = "end"
		}
		ch.Labels = append(ch.Labels, chartLabel{X: ch.X0 + float64(plotW)*float64(i)/n, Y: ch.Y0 + 16,
			Text: t.Format(layout), Anchor: anchor})
	}
}

// ticks are about five round values from 0 to at least top.
func ticks(top int) []int {
	step := 1
	for _, s := range []int{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000} {
		step = s
		if top/s <= 5 {
			break
		}
	}
	var out []int
	for v := 0; ; v += step {
		out = append(out, v)
		if v >= top {
			return out
		}
	}
}

// clipLabel shortens a label to n runes.
func clipLabel(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
