package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/server/events"
)

// host is one `arena` process of the multi-host test, with its own data
// directory, sharing only Redis and the S3 bucket with the others.
type host struct {
	t    *testing.T
	name string
	args []string
	URL  string // servers only
	cmd  *exec.Cmd
}

func startHost(t *testing.T, name string, args ...string) *host {
	h := &host{t: t, name: name, args: args}
	for i, a := range args {
		if a == "--addr" {
			h.URL = "http://" + args[i+1]
		}
	}
	h.start()
	t.Cleanup(func() { h.kill() })
	return h
}

func (h *host) start() {
	h.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", "ARENA_E2E_ARGS="+strings.Join(h.args, "\x1f"))
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.cmd = cmd
	if h.URL == "" {
		return
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if resp, err := http.Get(h.URL + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s did not become ready", h.name)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL, as a host failing would.
func (h *host) kill() {
	if h.cmd != nil && h.cmd.ProcessState == nil {
		_ = h.cmd.Process.Kill()
		_ = h.cmd.Wait()
	}
}

var multiClient = &http.Client{Timeout: 15 * time.Second}

// call sends a request to a server and decodes a JSON answer into out.
func call(url, method, path, token, ctype string, body io.Reader, out any) (int, error) {
	req, err := http.NewRequest(method, url+path, body)
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := multiClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode %q: %w", b, err)
		}
	}
	return resp.StatusCode, nil
}

// TestIntegrationMultiHost: two servers and two judges, each with a data
// directory of its own, share only a Redis sentinel set and an S3 bucket.
// Under a steady flow of submissions spread over both servers, a judge, a
// server and the Redis master are killed; every acknowledged submission is
// judged once, with the outcome its code deserves, and both servers show
// the same board.
func TestIntegrationMultiHost(t *testing.T) {
	testenv.Image(t, testenv.Docker(t), image)
	sen := testenv.StartSentinel(t)
	s3 := testenv.StartS3(t)
	stores := []string{"--redis", sen.URL(), "--blobs", s3.URL("arena")}
	a := startHost(t, "server-a", append([]string{"up", "--demo", "--demo-password", password, "--slots", "0",
		"--submit-per-minute", "0", "--data", t.TempDir(), "--addr", testenv.FreeAddr(t)}, stores...)...)
	b := startHost(t, "server-b", append([]string{"serve", "--submit-per-minute", "0", "--data", t.TempDir(),
		"--addr", testenv.FreeAddr(t)}, stores...)...)
	judges := make([]*host, 2)
	for i := range judges {
		judges[i] = startHost(t, fmt.Sprintf("judge-%d", i+1), append([]string{"judge", "--data", t.TempDir(),
			"--lease", "2s", "--slots", "1", "--worker-id", fmt.Sprintf("judge-%d", i+1)}, stores...)...)
	}

	type sent struct {
		id, want string
	}
	var mu sync.Mutex
	var acked []sent
	var refused int
	var lastAck time.Time
	stop := make(chan struct{})
	var wg sync.WaitGroup
	serverDown := map[string]bool{}
	up := func(s *host) bool {
		mu.Lock()
		defer mu.Unlock()
		return !serverDown[s.name]
	}
	tokens := map[string]string{}
	for _, u := range []string{"alice", "bob", "carol"} {
		var out struct{ Token string }
		body := strings.NewReader(`{"username":"` + u + `","password":"` + password + `"}`)
		if st, err := call(a.URL, "POST", "/api/auth/login", "", "application/json", body, &out); st != 200 || err != nil {
			t.Fatalf("login %s: %d %v", u, st, err)
		}
		tokens[u] = out.Token
	}
	for _, token := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				srv := []*host{a, b}[i%2]
				if !up(srv) {
					srv = a
				}
				code, want := helloAccepted, "accepted"
				if i%3 == 2 {
					code, want = helloWrong, "wrong_answer"
				}
				var body bytes.Buffer
				mw := multipart.NewWriter(&body)
				_ = mw.WriteField("challenge", "hello")
				_ = mw.WriteField("language", "python3")
				fw, _ := mw.CreateFormFile("file", "main.py")
				_, _ = fw.Write([]byte(code))
				_ = mw.Close()
				var out struct{ ID string }
				st, err := call(srv.URL, "POST", "/api/contests/demo/submissions", token, mw.FormDataContentType(), &body, &out)
				mu.Lock()
				if st == 202 && err == nil && out.ID != "" {
					acked = append(acked, sent{out.ID, want})
					lastAck = time.Now()
				} else {
					refused++
				}
				mu.Unlock()
				if st != 202 {
					time.Sleep(100 * time.Millisecond)
				} else {
					time.Sleep(300 * time.Millisecond) // a contestant's pace, so the judges keep up
				}
			}
		}()
	}
	ackedCount := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	waitAcked := func(n int, what string) {
		deadline := time.Now().Add(90 * time.Second)
		for ackedCount() < n {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d submissions acknowledged, want %d", what, ackedCount(), n)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	nextAck := func(after time.Time) time.Duration {
		deadline := time.Now().Add(90 * time.Second)
		for {
			mu.Lock()
			l := lastAck
			mu.Unlock()
			if l.After(after) {
				return l.Sub(after)
			}
			if time.Now().After(deadline) {
				t.Fatal("no submission acknowledged after the kill")
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	waitAcked(6, "before any kill")
	judgeKilled := time.Now()
	judges[0].kill()
	waitAcked(ackedCount()+6, "after the judge was killed")

	mu.Lock()
	serverDown[b.name] = true
	mu.Unlock()
	serverKilled := time.Now()
	b.kill()
	serverGap := nextAck(serverKilled)
	waitAcked(ackedCount()+6, "after the server was killed")

	redisKilled := time.Now()
	sen.Master.Kill()
	redisGap := nextAck(redisKilled)
	waitAcked(ackedCount()+6, "after the Redis master was killed")
	close(stop)
	wg.Wait()

	b.start() // the killed server comes back with nothing of its own to recover
	judge := func() string {
		var out struct{ Token string }
		body := strings.NewReader(`{"username":"judge","password":"` + password + `"}`)
		if st, err := call(a.URL, "POST", "/api/auth/login", "", "application/json", body, &out); st != 200 || err != nil {
			t.Fatalf("login judge: %d %v", st, err)
		}
		return out.Token
	}()
	deadline := time.Now().Add(3 * time.Minute)
	var judgedAll time.Duration
	for _, s := range acked {
		for {
			var v submissionView
			st, err := call(a.URL, "GET", "/api/submissions/"+s.id, judge, "", nil, &v)
			if err == nil && st == 200 && v.Status == "done" {
				if v.Outcome != s.want {
					t.Errorf("%s: %s, want %s", s.id, v.Outcome, s.want)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s not judged in time (status %d, %v, %s)", s.id, st, err, v.Status)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	judgedAll = time.Since(judgeKilled)

	// Judged once: one verdict event per acknowledged submission.
	verdicts := map[string]int{}
	evs, err := events.NewLog(sen.Client()).Since(context.Background(), "demo", "0-0", 100000)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Type != events.TypeVerdict {
			continue
		}
		d, err := events.Decode[events.SubmissionData](ev)
		if err != nil {
			t.Fatalf("verdict event %s: %v", ev.ID, err)
		}
		verdicts[d.Submission.ID]++
	}
	for _, s := range acked {
		if verdicts[s.id] != 1 {
			t.Errorf("%s: %d verdicts, want 1", s.id, verdicts[s.id])
		}
	}

	var boards [2]struct {
		EventID string `json:"event_id"`
		Rows    []row  `json:"rows"`
	}
	for i, srv := range []*host{a, b} {
		if st, err := call(srv.URL, "GET", "/api/contests/demo/scoreboard", judge, "", nil, &boards[i]); st != 200 || err != nil {
			t.Fatalf("%s board: %d %v", srv.name, st, err)
		}
	}
	if !reflect.DeepEqual(boards[0], boards[1]) {
		t.Errorf("the servers' boards differ:\n%+v\n%+v", boards[0], boards[1])
	}
	t.Logf("%d acknowledged, %d refused or failed while hosts died; next acknowledgement %v after the server kill, %v after the Redis master kill; all judged %v after the judge kill",
		len(acked), refused, serverGap.Round(time.Millisecond), redisGap.Round(time.Millisecond), judgedAll.Round(time.Millisecond))
}
