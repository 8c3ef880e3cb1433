package container

// WaitingIDs lists the containers waiting in r's pool, for the tests.
func (r *Runner) WaitingIDs() []string {
	if r.pool == nil {
		return nil
	}
	r.pool.mu.Lock()
	defer r.pool.mu.Unlock()
	var ids []string
	for _, k := range r.pool.keys {
		for _, b := range k.idle {
			ids = append(ids, b.id)
		}
	}
	return ids
}
