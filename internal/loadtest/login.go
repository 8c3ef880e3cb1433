package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

const (
	hallSize    = 300
	wrongLogins = 60
	importSize  = 5000
	// loginBudget is how long a burst of logins is given.
	loginBudget = 60 * time.Second
	// goalGrowth is the memory a burst may add to the server.
	goalGrowth = 1 << 30
)

// burst is what a burst of logins did.
type burst struct {
	done  int // answered within the budget
	took  time.Duration
	codes map[int]int
	mem   *Memory
}

// loginBurst sends every login at once and waits for the answers, at most
// loginBudget, while following the server's memory.
func loginBurst(ctx context.Context, t *Target, logins []Login) (*burst, error) {
	ctx, cancel := context.WithTimeout(ctx, loginBudget)
	defer cancel()
	mem, err := t.Watch(cancel)
	if err != nil {
		return nil, err
	}
	b := &burst{codes: map[int]int{}, mem: mem}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	t0 := time.Now()
	for _, l := range logins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			code, err := postLogin(ctx, t, l)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				b.done++
				b.codes[code]++
				b.took = max(b.took, time.Since(t0))
			}
		}()
	}
	close(start)
	wg.Wait()
	mem.Stop()
	return b, nil
}

func postLogin(ctx context.Context, t *Target, l Login) (int, error) {
	body, _ := json.Marshal(map[string]string{"username": l.Username, "password": l.Password})
	req, err := http.NewRequestWithContext(ctx, "POST", t.URL+"/api/auth/login", strings.NewReader(string(body)))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func (b *burst) figure(n int) string {
	var codes []string
	for _, c := range slices.Sorted(maps.Keys(b.codes)) {
		codes = append(codes, fmt.Sprintf("%d × %d", b.codes[c], c))
	}
	when := fmt.Sprintf("all in %.1f s", b.took.Seconds())
	if b.done < n {
		when = fmt.Sprintf("%d of %d done within %v", b.done, n, loginBudget)
	}
	if len(codes) > 0 {
		when += " (" + strings.Join(codes, ", ") + ")"
	}
	return when + "; " + b.mem.String()
}

func rightLogins(ctx context.Context, t *Target) (string, bool, error) {
	im, err := t.Import(ctx, "hall", hallSize)
	if err != nil {
		return "", false, err
	}
	b, err := loginBurst(ctx, t, im.Logins)
	if err != nil {
		return "", false, err
	}
	met := b.codes[200] == hallSize && b.took <= 20*time.Second && b.mem.Growth() <= goalGrowth && !b.mem.Over
	return b.figure(hallSize), met, nil
}

// wrongLoginsScenario: one wrong password for each of wrongLogins
// contestants, from one address, as a hall mistyping its slips.
func wrongLoginsScenario(ctx context.Context, t *Target) (string, bool, error) {
	im, err := t.Import(ctx, "typo", wrongLogins)
	if err != nil {
		return "", false, err
	}
	logins := im.Logins
	for i := range logins {
		logins[i].Password += "x"
	}
	b, err := loginBurst(ctx, t, logins)
	if err != nil {
		return "", false, err
	}
	met := b.done == wrongLogins && b.codes[200] == 0 && b.took <= 20*time.Second && b.mem.Growth() <= goalGrowth && !b.mem.Over
	return b.figure(wrongLogins), met, nil
}

func importScenario(ctx context.Context, t *Target) (string, bool, error) {
	im, err := t.Import(ctx, "city", importSize)
	if err != nil {
		return "", false, err
	}
	return fmt.Sprintf("%.1f s (CPU %.1f s)", im.Wall.Seconds(), im.CPU.Seconds()), im.Wall <= 30*time.Second, nil
}
