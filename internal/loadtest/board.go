package loadtest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

// The board rows: a city's contest (boardSize contestants, boardSlugs
// challenges, most of them with results) seeded straight into Redis
// through the stores, then viewers loading the board page, and clients
// polling the JSON board, each for viewWindow per level. Each is measured
// at smallBoard contestants too, to show how the cost grows.
const (
	boardSize  = 5000
	smallBoard = 500
	boardSlugs = 6
	viewWindow = 8 * time.Second
	// boardContest and smallContest are the seeded contests' ids.
	boardContest = "city"
	smallContest = "town"
)

// viewerLevels are the concurrent viewers of the board-page row.
var viewerLevels = []int{32, 64}

// jsonClients is how many clients poll the JSON board at once.
const jsonClients = 32

// SeedBoard gives contest cid (which must exist) n more contestants
// ("seed00001"…) with attempts at slugs, as graded submissions would
// leave them, then rebuilds the boards from the attempts
// (scoreboard.Store.RecomputeAll, which appends a reset event). The same
// seed gives the same board.
func SeedBoard(ctx context.Context, rdb redis.UniversalClient, cid string, slugs []string, n int, seed uint64) error {
	board := scoreboard.NewStore(rdb)
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	who := make([]scoreboard.Contestant, n)
	for i := range who {
		who[i] = scoreboard.Contestant{ID: fmt.Sprintf("seed%05d", i+1), Name: seedName(rng),
			Organization: fmt.Sprintf("第%d职业技术学院", 1+rng.IntN(200))}
	}
	for i := 0; i < n; i += 1000 {
		if err := board.Enroll(ctx, cid, who[i:min(i+1000, n)]...); err != nil {
			return fmt.Errorf("seed board of %s: %w", cid, err)
		}
	}
	sub := 0
	empty, _ := json.Marshal(scoreboard.Cell{})
	_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, c := range who {
			for _, slug := range slugs {
				if rng.IntN(10) < 4 {
					continue // not tried
				}
				for range 1 + rng.IntN(3) {
					sub++
					score := float64(rng.IntN(6) * 20)
					o := verdict.Scored
					if score == 100 {
						o = verdict.Accepted
					}
					att, _ := json.Marshal(events.Attempt{N: int64(sub), Status: events.Done, Score: score, MaxScore: 100,
						Elapsed: int64(60 + rng.IntN(3*3600)), Outcome: o})
					p.HSet(ctx, scoreboard.AttemptsKey(cid, c.ID, slug), fmt.Sprintf("seed-%d", sub), att)
				}
				// The cell lists the challenge for RecomputeAll, which rebuilds it.
				p.HSet(ctx, scoreboard.CellsKey(cid, c.ID), "j:"+slug, empty, "p:"+slug, empty)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("seed attempts of %s: %w", cid, err)
	}
	return board.RecomputeAll(ctx, cid)
}

func seedName(rng *rand.Rand) string {
	family := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	given := []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰")
	name := string(family[rng.IntN(len(family))]) + string(given[rng.IntN(len(given))])
	if rng.IntN(2) == 0 {
		name += string(given[rng.IntN(len(given))])
	}
	return name
}

// seedContest creates running contest cid with boardSlugs challenges and n
// contestants with results.
func seedContest(ctx context.Context, rdb redis.UniversalClient, cid string, n int) error {
	now := time.Now().UTC().Truncate(time.Minute)
	ct := &contest.Contest{ID: cid, Title: challenges.Text{Zh: "城市技能大赛", En: "City skills contest"},
		Start: now.Add(-4 * time.Hour), End: now.Add(4 * time.Hour)}
	var slugs []string
	for i := range boardSlugs {
		slug := fmt.Sprintf("task%d", i+1)
		slugs = append(slugs, slug)
		ct.Challenges = append(ct.Challenges, contest.Challenge{Slug: slug, Title: challenges.Text{Zh: fmt.Sprintf("任务%d", i+1), En: fmt.Sprintf("Task %d", i+1)},
			Category: "data", Kind: "program", Points: 100, Languages: []string{"python3"}, Package: strings.Repeat("0", 64)})
	}
	if err := contest.NewStore(rdb).Put(ctx, ct); err != nil {
		return err
	}
	return SeedBoard(ctx, rdb, cid, slugs, n, 1)
}

// seedBoards seeds the large and the small contest on t's Redis.
func seedBoards(ctx context.Context, t *Target) (redis.UniversalClient, error) {
	rdb := redis.NewClient(&redis.Options{Addr: t.Redis})
	for cid, n := range map[string]int{boardContest: boardSize, smallContest: smallBoard} {
		if err := seedContest(ctx, rdb, cid, n); err != nil {
			rdb.Close()
			return nil, err
		}
	}
	return rdb, nil
}

// fetched is one answer as a client on the wire sees it.
type fetched struct {
	status int
	bytes  int // body bytes as sent (compressed, when it was)
	etag   string
	body   []byte // decompressed, for pages
}

// fetch GETs path with the given headers and reads the whole body.
func fetch(ctx context.Context, t *Target, path string, header ...string) (fetched, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", t.URL+path, nil)
	if err != nil {
		return fetched{}, err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := t.Client.Do(req)
	if err != nil {
		return fetched{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fetched{}, fmt.Errorf("read %s: %w", path, err)
	}
	n := len(body)
	// Pages are read (for what they preload); the board's bytes are only counted.
	if resp.Header.Get("Content-Encoding") == "gzip" && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return fetched{}, fmt.Errorf("read %s: %w", path, err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			return fetched{}, fmt.Errorf("read %s: %w", path, err)
		}
	}
	if resp.StatusCode != 200 && resp.StatusCode != 304 {
		return fetched{}, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return fetched{status: resp.StatusCode, bytes: n, etag: resp.Header.Get("ETag"), body: body}, nil
}

// load is what clients hitting the server for a while did.
type load struct {
	done     int
	notMod   int // 304 answers
	bytes    int64
	took     time.Duration // first start to last answer
	lat      []time.Duration
	failures int
	firstErr error
}

func (l *load) rate() float64 {
	if l.done == 0 {
		return 0
	}
	return float64(l.done) / l.took.Seconds()
}

func (l *load) pct(p float64) time.Duration {
	if len(l.lat) == 0 {
		return 0
	}
	s := slices.Clone(l.lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// hammer runs clients goroutines calling one until window passes (a call
// under way then finishes and counts), each call reporting whether it got
// 304 and the bytes it read.
func hammer(ctx context.Context, clients int, window time.Duration, one func(ctx context.Context, client int) (notMod bool, bytes int, err error)) *load {
	l := &load{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	t0 := time.Now()
	end := t0.Add(window)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) && ctx.Err() == nil {
				rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				s := time.Now()
				nm, n, err := one(rctx, c)
				cancel()
				mu.Lock()
				if err != nil {
					l.failures++
					if l.firstErr == nil {
						l.firstErr = err
					}
				} else {
					l.done++
					l.bytes += int64(n)
					l.lat = append(l.lat, time.Since(s))
					if nm {
						l.notMod++
					}
					l.took = max(l.took, time.Since(t0))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return l
}

func (l *load) String() string {
	s := fmt.Sprintf("%.1f/s, p50 %s, p95 %s", l.rate(), ms(l.pct(0.5)), ms(l.pct(0.95)))
	if l.failures > 0 {
		s += fmt.Sprintf(", %d failed (%s)", l.failures, shortErr(l.firstErr))
	}
	return s
}

// shortErr is an error without the URL net/http puts before the cause.
func shortErr(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer within 30 s"
	}
	return err.Error()
}

func ms(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

func kb(n float64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", n/(1<<20))
	}
	return fmt.Sprintf("%.0f KB", n/1024)
}

// preloadRE finds what a page asks the browser to fetch at once (the board
// snapshot of the light page); an older page has none.
var preloadRE = regexp.MustCompile(`<link rel="preload" href="([^"]+)" as="fetch"`)

// pageLoad loads the board page as a first-time browser does: the HTML,
// then whatever it preloads, gzip accepted (static files are cached
// forever under hashed names, so they are not counted).
func pageLoad(ctx context.Context, t *Target, path string) (int, error) {
	page, err := fetch(ctx, t, path, "Accept-Encoding", "gzip")
	if err != nil {
		return 0, err
	}
	n := page.bytes
	for _, m := range preloadRE.FindAllSubmatch(page.body, -1) {
		res, err := fetch(ctx, t, strings.ReplaceAll(string(m[1]), "&amp;", "&"), "Accept-Encoding", "gzip")
		if err != nil {
			return 0, err
		}
		n += res.bytes
	}
	return n, nil
}

func boardPageScenario(ctx context.Context, t *Target) (string, bool, error) {
	rdb, err := seedBoards(ctx, t)
	if err != nil {
		return "", false, err
	}
	defer rdb.Close()
	var parts []string
	met := true
	for _, run := range []struct {
		cid     string
		viewers []int
	}{{boardContest, viewerLevels}, {smallContest, viewerLevels[:1]}} {
		path := "/contests/" + run.cid + "/board"
		for _, v := range run.viewers {
			l := hammer(ctx, v, viewWindow, func(ctx context.Context, _ int) (bool, int, error) {
				n, err := pageLoad(ctx, t, path)
				return false, n, err
			})
			parts = append(parts, fmt.Sprintf("%d viewers: %s pages", v, l))
			if run.cid == boardContest && v == 32 {
				met = l.rate() >= 100 && l.failures == 0
			}
			if v == run.viewers[len(run.viewers)-1] && l.done > 0 {
				parts[len(parts)-1] += fmt.Sprintf(", %s a page", kb(float64(l.bytes)/float64(l.done)))
			}
		}
		if run.cid == boardContest {
			parts[len(parts)-1] += fmt.Sprintf(" (%d contestants)", boardSize)
		} else {
			parts[len(parts)-1] += fmt.Sprintf(" (%d contestants)", smallBoard)
		}
	}
	return strings.Join(parts, "; "), met, nil
}

// jsonModes are the ways the JSON board is asked for.
var jsonModes = []struct {
	name string
	gzip bool
	etag bool
}{{"plain", false, false}, {"gzip", true, false}, {"gzip + ETag", true, true}}

// churnEvery is how often a verdict changes the board while clients poll
// with ETags: a busy contest's pace, so some polls find a new board.
const churnEvery = 250 * time.Millisecond

func boardJSONScenario(ctx context.Context, t *Target) (string, bool, error) {
	rdb, err := seedBoards(ctx, t)
	if err != nil {
		return "", false, err
	}
	defer rdb.Close()
	var parts []string
	met := true
	plain := 0.0 // bytes of the plain board
	for _, cid := range []string{boardContest, smallContest} {
		path := "/api/contests/" + cid + "/scoreboard"
		var sizes []string
		for _, m := range jsonModes {
			window := viewWindow
			if cid == smallContest {
				window /= 2
			}
			stop := func() {}
			if m.etag {
				stop = churn(ctx, rdb, cid, t)
			}
			tags := make([]string, jsonClients)
			l := hammer(ctx, jsonClients, window, func(ctx context.Context, c int) (bool, int, error) {
				h := []string{}
				if m.gzip {
					h = append(h, "Accept-Encoding", "gzip")
				}
				if m.etag && tags[c] != "" {
					h = append(h, "If-None-Match", tags[c])
				}
				res, err := fetch(ctx, t, path, h...)
				if err != nil {
					return false, 0, err
				}
				if res.etag != "" {
					tags[c] = res.etag
				}
				return res.status == 304, res.bytes, nil
			})
			stop()
			fig := fmt.Sprintf("%s %s", m.name, l)
			if l.done == 0 {
				met = false
			} else if m.etag {
				fig += fmt.Sprintf(", %.0f%% 304", 100*float64(l.notMod)/float64(l.done))
			} else {
				sizes = append(sizes, fmt.Sprintf("%s %s", m.name, kb(float64(l.bytes)/float64(l.done))))
			}
			parts = append(parts, fig)
			if cid == boardContest && m.etag {
				met = met && l.notMod > 0
			}
			if cid == boardContest && !m.etag && l.done > 0 {
				// gzip must at least quarter the plain board.
				each := float64(l.bytes) / float64(l.done)
				if !m.gzip {
					plain = each
				} else {
					met = met && each <= plain/4
				}
			}
		}
		parts[len(parts)-1] += fmt.Sprintf("; %s each (%d rows)", strings.Join(sizes, ", "), map[string]int{boardContest: boardSize, smallContest: smallBoard}[cid])
	}
	return strings.Join(parts, "; "), met, nil
}

// churn applies a verdict to contest cid every churnEvery through the
// judging spine (submit, take, apply: one verdict event each) until the
// returned stop is called.
func churn(ctx context.Context, rdb redis.UniversalClient, cid string, t *Target) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	subs := submission.NewStore(rdb)
	go func() {
		defer close(done)
		if err := subs.EnsureGroup(ctx); err != nil {
			t.log.Warn("churn", "err", err)
			return
		}
		tick := time.NewTicker(churnEvery)
		defer tick.Stop()
		for i := 1; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if err := verdictFor(ctx, subs, cid, fmt.Sprintf("seed%05d", 1+(i*7919)%smallBoard), int64(i)); err != nil && ctx.Err() == nil {
				t.log.Warn("churn", "err", err)
				return
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

func verdictFor(ctx context.Context, subs *submission.Store, cid, user string, elapsed int64) error {
	if _, err := subs.Submit(ctx, submission.New{Contest: cid, Challenge: "task1", Contestant: user, Language: "python3",
		Blob: strings.Repeat("0", 64), MaxScore: 100, Elapsed: 3*3600 + elapsed}); err != nil {
		return err
	}
	job, err := subs.Take(ctx, "arena-load", time.Minute, time.Second)
	if err != nil || job == nil {
		return fmt.Errorf("take the churn's job: %v", err)
	}
	sub, err := subs.Get(ctx, job.SID)
	if err != nil {
		return err
	}
	_, err = subs.Apply(ctx, job, sub, verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100})
	return err
}

var (
	boardPageWhat = fmt.Sprintf("board page, %d contestants: %v viewers loading it (HTML and the board it fetches, gzip)", boardSize, viewerLevels)
	boardJSONWhat = fmt.Sprintf("JSON board, %d rows: %d clients polling (plain, gzip, gzip with If-None-Match while %v verdicts/s)", boardSize, jsonClients, int(time.Second/churnEvery))
)
