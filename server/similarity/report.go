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

// Report compares every two sources of the same language from different
// contestants and returns the pairs scoring at least o.MinScore, best
// first, at most o.MaxPairs.
func Report(sources []Source, o Options) []Pair {
	o = o.withDefaults()
	docs := make([]*Doc, len(sources))
	for i, s := range sources {
		docs[i] = NewDoc(s.Language, s.Text, o)
	}
	out := []Pair{}
	for i := range sources {
		for j := i + 1; j < len(sources); j++ {
			a, b := sources[i], sources[j]
			if a.Contestant == b.Contestant || a.Language != b.Language {
				continue
			}
			m := Compare(docs[i], docs[j])
			if m.Score >= o.MinScore {
				out = append(out, Pair{A: a, B: b, Match: m})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Pair) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(y.Jaccard, x.Jaccard),
			cmp.Compare(x.A.Submission, y.A.Submission), cmp.Compare(x.B.Submission, y.B.Submission))
	})
	if len(out) > o.MaxPairs {
		out = out[:o.MaxPairs]
	}
	return out
}
