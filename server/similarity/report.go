package similarity

import (
	"cmp"
	"slices"
)

// Source is one submission to compare.
type Source struct {
	Contestant string `json:"contestant"`
	Submission string `json:"submission"`
	Language   string `json:"language"`
	// Text is the submitted file.
	Text string `json:"-"`
}

// Pair is two sources of different contestants and how much they share.
type Pair struct {
	A Source `json:"a"`
	B Source `json:"b"`
	Match
}

// Result is the pairs a report found and the code it left out.
type Result struct {
	Pairs  []Pair
	Shared *Shared
}

// Report compares every two sources of the same language from different
// contestants and returns the pairs scoring at least o.MinScore, best
// first, at most o.MaxPairs. The code of templates and the code more than
// a share of the sources hold (Options.CommonMin, CommonShare) count for
// nothing.
func Report(sources []Source, templates []Template, o Options) Result {
	o = o.withDefaults()
	docs := make([]*Doc, len(sources))
	for i, s := range sources {
		docs[i] = NewDoc(s.Language, s.Text, o)
	}
	sh := findShared(sources, docs, templates, o)
	for i, d := range docs {
		sh.Exclude(d, sources[i].Language)
	}
	type found struct {
		Pair
		i, j int
	}
	var all []found
	for i := range sources {
		for j := i + 1; j < len(sources); j++ {
			a, b := sources[i], sources[j]
			if a.Contestant == b.Contestant || a.Language != b.Language {
				continue
			}
			if m := score(docs[i], docs[j]); m.Score >= o.MinScore {
				all = append(all, found{Pair{A: a, B: b, Match: m}, i, j})
			}
		}
	}
	slices.SortStableFunc(all, func(x, y found) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(y.Jaccard, x.Jaccard),
			cmp.Compare(x.A.Submission, y.A.Submission), cmp.Compare(x.B.Submission, y.B.Submission))
	})
	out := make([]Pair, 0, min(len(all), o.MaxPairs))
	for _, f := range all[:min(len(all), o.MaxPairs)] {
		f.Fragments = fragments(docs[f.i], docs[f.j]) // only for the pairs kept
		out = append(out, f.Pair)
	}
	return Result{Pairs: out, Shared: sh}
}
