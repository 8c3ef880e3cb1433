package scoreboard

// Prefix is the key prefix of contest cid; the hash tag keeps a contest's
// keys in one cluster slot.
func Prefix(cid string) string { return "arena:{" + cid + "}:" }

// BoardKey is the sorted set ranking contest cid in view v.
func BoardKey(cid string, v View) string {
	if v == Public {
		return Prefix(cid) + "board:public"
	}
	return Prefix(cid) + "board"
}

// CellsKey holds the cells of one contestant.
func CellsKey(cid, user string) string { return Prefix(cid) + "cells:" + user }

// AttemptsKey holds one contestant's attempts at one challenge.
func AttemptsKey(cid, user, slug string) string { return Prefix(cid) + "att:" + user + ":" + slug }

// WhoKey holds each contestant's public identity.
func WhoKey(cid string) string { return Prefix(cid) + "who" }

func paramsKey(cid string) string   { return Prefix(cid) + "params" }
func revealedKey(cid string) string { return Prefix(cid) + "revealed" }

// RecomputeKeys are the keys recompute in RecomputeLua touches for user's
// cell on slug, in the order it reads them from KEYS; a script passes them
// first, as KEYS[1] to KEYS[RecomputeKeyCount].
func RecomputeKeys(cid, user, slug string) []string {
	return []string{paramsKey(cid), AttemptsKey(cid, user, slug), revealedKey(cid), CellsKey(cid, user),
		BoardKey(cid, Jury), BoardKey(cid, Public), WhoKey(cid)}
}

// RecomputeKeyCount is how many keys RecomputeKeys returns.
const RecomputeKeyCount = 7
