package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/skillarena/arena/internal/cli"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/server/events"
)

const (
	password = "test-password"
	image    = "skillarena/python3:latest"
)

// Solutions to the demo's hello challenge.
const (
	helloAccepted = "name = input().strip()\nprint(f\"Hello, {name}!\")\n"
	helloWrong    = "name = input().strip()\nprint(f\"Hi, {name}!\")\n"
	helloEndless  = "while True:\n    pass\n"
	// helloSlow is accepted, but takes a while on every test (sleeping, not using CPU).
	helloSlow = "import time\ntime.sleep(0.8)\nname = input().strip()\nprint(f\"Hello, {name}!\")\n"
)

// platform is a running `arena up --demo` with its own Redis and data dir.
type platform struct {
	t       testing.TB
	Redis   *testenv.Redis
	DataDir string
	URL     string
	cancel  context.CancelFunc
	done    chan int
}

// startPlatform runs `arena up --demo` in-process; extra flags are appended.
func startPlatform(t testing.TB, extra ...string) *platform {
	t.Helper()
	cli := testenv.Docker(t)
	testenv.Image(t, cli, image)
	p := &platform{t: t, Redis: testenv.StartRedis(t), DataDir: t.TempDir(), done: make(chan int, 1)}
	p.start(extra...)
	return p
}

func (p *platform) start(extra ...string) {
	t := p.t
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	pr, pw := io.Pipe()
	args := append([]string{"up", "--demo", "--demo-password", password,
		"--redis", p.Redis.Addr, "--data", p.DataDir, "--addr", "127.0.0.1:0",
		"--lease", "2s", "--slots", "2", "--submit-per-minute", "0"}, extra...)
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: pw, Stderr: io.Discard, Getenv: func(string) string { return "" },
		Log: slog.New(slog.NewJSONHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	go func() {
		code := cli.Run(ctx, env, args)
		pw.Close()
		p.done <- code
	}()
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "SkillArena is running at "); ok {
				urls <- u
			}
		}
		close(urls)
	}()
	select {
	case u, ok := <-urls:
		if !ok {
			t.Fatalf("arena up exited before serving (code %d)", <-p.done)
		}
		p.URL = u
	case <-time.After(30 * time.Second):
		t.Fatal("arena up did not start within 30 s")
	}
	t.Cleanup(p.stop)
}

func (p *platform) stop() {
	if p.cancel == nil {
		return
	}
	p.cancel()
	p.cancel = nil
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.t.Errorf("arena up did not stop within 20 s")
	}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// login returns a Bearer token for user.
func (p *platform) login(user string) string {
	p.t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	resp, err := http.Post(p.URL+"/api/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token, Role string }
	if resp.StatusCode != 200 {
		p.t.Fatalf("login %s: %s", user, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		p.t.Fatalf("login %s: token %q, %v", user, out.Token, err)
	}
	return out.Token
}

// do sends a request and decodes a JSON answer into out, returning the status.
func (p *platform) do(method, path, token, ctype string, body io.Reader, out any) int {
	p.t.Helper()
	req, err := http.NewRequest(method, p.URL+path, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			p.t.Fatalf("%s %s: decode %q: %v", method, path, b, err)
		}
	}
	return resp.StatusCode
}

// submit sends code as a multipart file and returns the submission id.
func (p *platform) submit(token, challenge, code string) string {
	p.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("challenge", challenge)
	_ = mw.WriteField("language", "python3")
	fw, _ := mw.CreateFormFile("file", "main.py")
	_, _ = fw.Write([]byte(code))
	_ = mw.Close()
	var out struct{ ID, Status string }
	if st := p.do("POST", "/api/contests/demo/submissions", token, mw.FormDataContentType(), &body, &out); st != 202 {
		p.t.Fatalf("submit: status %d", st)
	}
	if out.ID == "" || out.Status != "queued" {
		p.t.Fatalf("submit: got %+v", out)
	}
	return out.ID
}

type testResult struct {
	Name    string `json:"name"`
	Outcome string `json:"outcome"`
}

type submissionView struct {
	ID          string       `json:"id"`
	Contest     string       `json:"contest"`
	Challenge   string       `json:"challenge"`
	Contestant  string       `json:"contestant"`
	Language    string       `json:"language"`
	Status      string       `json:"status"`
	Outcome     string       `json:"outcome"`
	Score       float64      `json:"score"`
	MaxScore    float64      `json:"max_score"`
	Tests       []testResult `json:"tests"`
	SubmittedAt time.Time    `json:"submitted_at"`
	JudgedAt    *time.Time   `json:"judged_at"`
}

func (p *platform) submission(token, sid string) submissionView {
	p.t.Helper()
	var v submissionView
	if st := p.do("GET", "/api/submissions/"+sid, token, "", nil, &v); st != 200 {
		p.t.Fatalf("get %s: status %d", sid, st)
	}
	return v
}

// waitDone polls until the submission is judged.
func (p *platform) waitDone(token, sid string, timeout time.Duration) submissionView {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		v := p.submission(token, sid)
		if v.Status == "done" {
			return v
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s not judged within %v (status %s)", sid, timeout, v.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// row is a board row as the API and the board's websocket send it.
type row = events.Row

type board struct {
	Contest string `json:"contest"`
	Frozen  bool   `json:"frozen"`
	EventID string `json:"event_id"`
	Rows    []row  `json:"rows"`
}

func (p *platform) board() board {
	p.t.Helper()
	var b board
	if st := p.do("GET", "/api/contests/demo/scoreboard", "", "", nil, &b); st != 200 {
		p.t.Fatalf("scoreboard: status %d", st)
	}
	return b
}

func (b board) row(id string) (row, bool) {
	for _, r := range b.Rows {
		if r.Contestant.ID == id {
			return r, true
		}
	}
	return row{}, false
}

type wsMessage struct {
	ID   string          `json:"id"`
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// dialBoard connects to the board websocket, resuming after since if given.
func (p *platform) dialBoard(since string) *websocket.Conn {
	p.t.Helper()
	u := "ws" + strings.TrimPrefix(p.URL, "http") + "/ws/contests/demo/board"
	if since != "" {
		u += "?since=" + since
	}
	c, resp, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		p.t.Fatalf("dial %s: %v (status %d)", u, err, status)
	}
	p.t.Cleanup(func() { c.Close() })
	return c
}

func readMessage(t testing.TB, c *websocket.Conn, timeout time.Duration) wsMessage {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(timeout))
	var m wsMessage
	if err := c.ReadJSON(&m); err != nil {
		t.Fatalf("read websocket: %v", err)
	}
	return m
}
