package frontend

import (
	"bytes"
	"strings"
	"testing"
)

func TestAssetsHashed(t *testing.T) {
	u, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for name, a := range u.assets {
		if !strings.HasPrefix(a.url, "/static/") || strings.HasSuffix(a.url, "/"+name) {
			t.Errorf("%s served at %s: want a content-hashed name", name, a.url)
		}
		data, ctype, ok := u.Asset(a.url)
		if !ok || len(data) == 0 || ctype == "" {
			t.Errorf("%s: not served at its URL", name)
		}
	}
	if _, _, ok := u.Asset("/static/board.js"); ok {
		t.Error("unhashed name served")
	}
}

func TestTranslationsComplete(t *testing.T) {
	for key, m := range messages {
		for _, l := range Langs {
			if m[l] == "" {
				t.Errorf("%s has no %s text", key, l)
			}
		}
	}
	if got := translate("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key gives %q", got)
	}
}

func TestRenderRefusesUnknownView(t *testing.T) {
	u, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := u.Render(&b, "nope", nil); err == nil {
		t.Fatal("unknown view rendered")
	}
	if err := u.Render(&b, "board", struct{}{}); err == nil || b.Len() != 0 {
		t.Fatalf("a failing render must write nothing (err %v, wrote %d bytes)", err, b.Len())
	}
}
