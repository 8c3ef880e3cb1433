package statement

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/server/blob"
)

func TestStatementsAndAttachments(t *testing.T) {
	ctx := context.Background()
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data, err := challenges.Archive(fstest.MapFS{
		"challenge.yaml":        {Data: []byte("id: x\nlimits:\n  time_ms: 1500\n")},
		"statement.zh.md":       {Data: []byte("# 题目")},
		"statement.en.md":       {Data: []byte("# Task")},
		"attachments/train.csv": {Data: []byte("a,b\n1,2\n")},
		"attachments/d/x.txt":   {Data: []byte("x")},
		"hidden/tests/1.in":     {Data: []byte("secret")},
		"solutions/accepted/a":  {Data: []byte("answer")},
	})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := blobs.Put(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	c := NewCache(blobs)
	p, err := c.Get(ctx, hash)
	if err != nil {
		t.Fatal(err)
	}
	if p.Limits.TimeMS != 1500 {
		t.Errorf("limits %+v", p.Limits)
	}
	if s, l := p.In("en"); s != "# Task" || l != "en" {
		t.Errorf("en statement %q (%s)", s, l)
	}
	if s, l := p.In("fr"); !strings.Contains(s, "题目") || l != "zh" {
		t.Errorf("fallback statement %q (%s)", s, l)
	}
	if len(p.Attachments) != 2 || p.Attachments[0].Name != "d/x.txt" || p.Attachments[1].Name != "train.csv" || p.Attachments[1].Size != 8 {
		t.Errorf("attachments %+v", p.Attachments)
	}
	b, err := c.Attachment(ctx, hash, "train.csv")
	if err != nil || string(b) != "a,b\n1,2\n" {
		t.Errorf("train.csv: %q %v", b, err)
	}
	files, err := c.AttachmentFiles(ctx, hash, func(name string, size int64) bool { return strings.HasSuffix(name, ".txt") })
	if err != nil || len(files) != 1 || string(files["d/x.txt"]) != "x" {
		t.Errorf("attachment files: %q %v", files, err)
	}
	for _, name := range []string{"../hidden/tests/1.in", "hidden/tests/1.in", "../solutions/accepted/a", "nope.csv", ""} {
		if _, err := c.Attachment(ctx, hash, name); !errors.Is(err, ErrNotFound) {
			t.Errorf("%q: got %v, want ErrNotFound", name, err)
		}
	}
	if _, err := c.Get(ctx, strings.Repeat("0", 64)); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown package: %v", err)
	}
}
