package scoreboard_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/scoreboard"
)

// TestIntegrationEncoded: the encoded board is the board's JSON, gzipped
// the same, at the log's last event; enrolling moves it to a new event.
func TestIntegrationEncoded(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	board := scoreboard.NewStore(rdb)
	if err := board.Enroll(ctx, "c", scoreboard.Contestant{ID: "ann", Name: "Ann"}); err != nil {
		t.Fatal(err)
	}
	check := func(want int) *scoreboard.Encoded {
		t.Helper()
		enc, err := board.Encoded(ctx, "c", scoreboard.Public)
		if err != nil {
			t.Fatal(err)
		}
		b, err := board.Read(ctx, "c", scoreboard.Public)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(b)
		zr, err := gzip.NewReader(bytes.NewReader(enc.Gzip))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, _ := io.ReadAll(zr)
		last, _ := events.NewLog(rdb).Last(ctx, "c")
		if !bytes.Equal(enc.JSON, raw) || !bytes.Equal(unzipped, raw) || enc.EventID != last || len(b.Rows) != want {
			t.Fatalf("encoded at %s (last %s), %d rows:\n%s\n%s\n%s", enc.EventID, last, len(b.Rows), enc.JSON, unzipped, raw)
		}
		return enc
	}
	first := check(1)
	if again := check(1); again != first {
		t.Fatal("the same event encoded twice")
	}
	if err := board.Enroll(ctx, "c", scoreboard.Contestant{ID: "ben", Name: "Ben"}); err != nil {
		t.Fatal(err)
	}
	if next := check(2); next.EventID == first.EventID {
		t.Fatal("enrolling appended no event")
	}
}

// TestIntegrationEncodedBusy: while other requests are under way, a board
// encoded less than encodeGap ago stands for newer events; a lone request
// gets the newest.
func TestIntegrationEncodedBusy(t *testing.T) {
	ctx := context.Background()
	rdb := testenv.StartRedis(t).Client()
	board := scoreboard.NewStore(rdb)
	if err := board.Enroll(ctx, "c", scoreboard.Contestant{ID: "ann", Name: "Ann"}); err != nil {
		t.Fatal(err)
	}
	old, err := board.Encoded(ctx, "c", scoreboard.Public)
	if err != nil {
		t.Fatal(err)
	}
	if err := board.Enroll(ctx, "c", scoreboard.Contestant{ID: "ben", Name: "Ben"}); err != nil {
		t.Fatal(err)
	}
	done := scoreboard.HoldRequest(board, "c", scoreboard.Public)
	busy, err := board.Encoded(ctx, "c", scoreboard.Public)
	done()
	if err != nil || busy != old {
		t.Fatalf("busy: got the board at %s, want the one at %s (%v)", busy.EventID, old.EventID, err)
	}
	fresh, err := board.Encoded(ctx, "c", scoreboard.Public)
	if err != nil || fresh.EventID == old.EventID || !bytes.Contains(fresh.JSON, []byte(`"Ben"`)) {
		t.Fatalf("alone: got the board at %s, want a newer one than %s (%v)", fresh.EventID, old.EventID, err)
	}
}

// TestIntegrationFrozenFromTheFreeze: the public board says it is frozen
// only once the freeze has begun, though no event marks that moment; the
// jury's never does.
func TestIntegrationFrozenFromTheFreeze(t *testing.T) {
	ctx := context.Background()
	board := scoreboard.NewStore(testenv.StartRedis(t).Client())
	if err := board.Enroll(ctx, "c", scoreboard.Contestant{ID: "ann", Name: "Ann"}); err != nil {
		t.Fatal(err)
	}
	freezeAt := time.Now().Add(700 * time.Millisecond)
	p := scoreboard.DefaultParams()
	p.Freeze, p.FreezeAt = 3600, freezeAt.UnixMilli()
	if err := board.SetParams(ctx, "c", p); err != nil {
		t.Fatal(err)
	}
	frozen := func(v scoreboard.View) (bool, bool) {
		t.Helper()
		b, err := board.Read(ctx, "c", v)
		if err != nil {
			t.Fatal(err)
		}
		enc, err := board.Encoded(ctx, "c", v)
		if err != nil {
			t.Fatal(err)
		}
		return b.Frozen, enc.Frozen && bytes.Contains(enc.JSON, []byte(`"frozen":true`))
	}
	if b, e := frozen(scoreboard.Public); b || e {
		t.Fatalf("before the freeze: frozen %v (encoded %v)", b, e)
	}
	time.Sleep(time.Until(freezeAt) + 100*time.Millisecond)
	if b, e := frozen(scoreboard.Public); !b || !e {
		t.Fatalf("after the freeze: frozen %v (encoded %v), want both", b, e)
	}
	if b, e := frozen(scoreboard.Jury); b || e {
		t.Fatalf("the jury's board: frozen %v (encoded %v)", b, e)
	}
}
