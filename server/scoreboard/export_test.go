package scoreboard

// HoldRequest counts one Encoded call under way on the board of cid in
// view v until done is called, as another request would.
func HoldRequest(s *Store, cid string, v View) (done func()) {
	e := s.cache.entry(cid, v)
	e.inflight.Add(1)
	return func() { e.inflight.Add(-1) }
}
