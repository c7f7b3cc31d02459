package hotwaxtest

// DropPreorderCategories removes the pre-order and backorder categories from the store's catalog: a
// store with nothing to sweep.
func (s *Server) DropPreorderCategories() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.categories = nil
}

// CatalogScenario describes the generated catalog of seed and skus (zero: the defaults), for lists of
// scenarios; a Server built with Options.Seed and Options.CatalogSKUs serves it.
func CatalogScenario(seed int64, skus int) Scenario {
	if seed == 0 {
		seed = DefaultCatalogSeed
	}
	if skus <= 0 {
		skus = DefaultCatalogSKUs
	}
	sc := catalogScenario(seed, skus)
	sc.SKUs = []string{CatalogSKU(0), CatalogSKU(1), ControlSKU}
	return sc
}
