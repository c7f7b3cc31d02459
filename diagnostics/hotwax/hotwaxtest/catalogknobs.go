package hotwaxtest

// DropPreorderCategories removes the pre-order and backorder categories from the store's catalog: a
// store with nothing to sweep.
func (s *Server) DropPreorderCategories() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.categories = nil
}
