package scoreboard_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"testing"

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
