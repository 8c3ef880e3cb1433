package kattis

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"

	recipes "github.com/skillarena/arena/deploy/images"
)

// verdictDirs maps the format's submissions/ folders that have an exact
// SkillArena outcome onto solutions/<expected>/.
var verdictDirs = map[string]string{
	"accepted":            "accepted",
	"wrong_answer":        "wrong_answer",
	"time_limit_exceeded": "time_limit",
	"run_time_error":      "runtime_error",
	"partially_accepted":  "scored", // scoring problems only
}

// inexactDirs are the format's folders whose submissions may end in more
// than one SkillArena outcome: they are left out, saying why.
var inexactDirs = map[string]string{
	"rejected":    "any rejection (wrong answer, time limit or run-time error)",
	"brute_force": "a time limit or a run-time error, never a wrong answer",
}

// submissions copies single-file example submissions in known languages
// into solutions/<expected>/ and returns the challenge's languages.
func (im *importer) submissions() ([]string, error) {
	langs, err := recipes.Languages()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(im.src, "submissions", "submissions.yaml")); err == nil {
		im.warn("submissions/submissions.yaml: not read: the folders give each submission's expected outcome")
	}
	kinds, _ := os.ReadDir(filepath.Join(im.src, "submissions"))
	for _, k := range kinds {
		if !k.IsDir() {
			continue
		}
		expected, ok := im.expectedOutcome(k.Name())
		if !ok {
			continue
		}
		if err := im.copySubmissions(k.Name(), expected, langs); err != nil {
			return nil, err
		}
	}
	if im.report.Solutions["accepted"] == 0 {
		im.warn("no accepted submission to verify the package with")
	}
	ids := make([]string, 0, len(langs))
	for id := range langs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}

// expectedOutcome is the SkillArena outcome of a submissions/ folder, with
// a warning where there is none.
func (im *importer) expectedOutcome(dir string) (string, bool) {
	expected, ok := verdictDirs[dir]
	switch {
	case !ok:
		if why, inexact := inexactDirs[dir]; inexact {
			im.warn("submissions/%s: expects %s, which is no single SkillArena outcome: left out", dir, why)
		} else {
			im.warn("submissions/%s: not a folder of the package format (accepted, partially_accepted, wrong_answer, time_limit_exceeded, run_time_error, rejected, brute_force): left out", dir)
		}
		return "", false
	case expected == "scored" && !im.problem.scoring:
		im.warn("submissions/%s: only scoring problems have partially accepted submissions: left out", dir)
		return "", false
	case expected != "accepted" && expected != "scored" && im.problem.scoring:
		im.warn("submissions/%s: in a scoring challenge a submission that earns some points is graded scored, not %s: move it to solutions/scored if verify says so", dir, expected)
	}
	return expected, true
}

// copySubmissions copies one folder's single-file submissions.
func (im *importer) copySubmissions(dir, expected string, langs map[string]recipes.ImageLanguage) error {
	entries, err := os.ReadDir(filepath.Join(im.src, "submissions", dir))
	if err != nil {
		return fmt.Errorf("submissions/%s: %w", dir, err)
	}
	for _, e := range entries {
		rel := "submissions/" + dir + "/" + e.Name()
		if e.IsDir() {
			im.warn("%s: multi-file submissions are not supported: left out", rel)
			continue
		}
		if _, ok := recipes.ForFile(langs, e.Name()); !ok {
			im.warn("%s: no SkillArena language for %q files: left out", rel, path.Ext(e.Name()))
			continue
		}
		data, err := os.ReadFile(filepath.Join(im.src, filepath.FromSlash(rel)))
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		im.files["solutions/"+expected+"/"+e.Name()] = data
		im.report.Solutions[expected]++
	}
	return nil
}
