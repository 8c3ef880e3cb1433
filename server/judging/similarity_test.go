package judging

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/contest"
)

// TestSimilarityTemplates: the templates of a report are the package's
// source attachments and language-tagged statement code blocks in the
// compared families, never data, hidden files or oversized sources.
func TestSimilarityTemplates(t *testing.T) {
	ctx := context.Background()
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data, err := challenges.Archive(fstest.MapFS{
		"challenge.yaml":          {Data: []byte("id: x\n")},
		"statement.en.md":         {Data: []byte("# Task\n\n```python\nimport sys\n```\n\n```\n1 2\n```\n")},
		"statement.zh.md":         {Data: []byte("# 题目\n\n```cpp\n#include <cstdio>\n```\n")},
		"attachments/main.py":     {Data: []byte("import sys\n")},
		"attachments/lib/util.h":  {Data: []byte("int f();\n")},
		"attachments/train.csv":   {Data: []byte("a,b\n")},
		"attachments/huge.py":     {Data: []byte(strings.Repeat("x = 1\n", similarityMaxBytes/6+1))},
		"attachments/latin1.py":   {Data: []byte("s = '\xe9'\n")},
		"hidden/tests/1.py":       {Data: []byte("secret = 1\n")},
		"solutions/accepted/a.py": {Data: []byte("answer = 1\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := blobs.Put(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{Blobs: blobs}
	for _, tc := range []struct {
		name     string
		pkg      string
		families []string
		want     string
	}{
		{"python", hash, []string{"python"}, "attachments/main.py statement.en.md#1"},
		{"c", hash, []string{"c"}, "attachments/lib/util.h statement.zh.md#1"},
		{"both", hash, []string{"c", "python"}, "attachments/lib/util.h attachments/main.py statement.en.md#1 statement.zh.md#1"},
		{"no such family", hash, []string{"go"}, ""},
		{"no sources", hash, nil, ""},
		{"package gone", strings.Repeat("a", 64), []string{"python"}, ""},
		{"no package", "", []string{"python"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fams := map[string]bool{}
			for _, f := range tc.families {
				fams[f] = true
			}
			got, err := s.similarityTemplates(ctx, contest.Challenge{Slug: "x", Package: tc.pkg}, fams)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tpl := range got {
				names = append(names, tpl.Name)
				if tpl.Text == "" {
					t.Errorf("%s is empty", tpl.Name)
				}
			}
			if strings.Join(names, " ") != tc.want {
				t.Errorf("templates %q, want %q", names, tc.want)
			}
		})
	}
}
