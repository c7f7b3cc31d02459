package diagnostics

// WithParams returns r carrying the OMS parameters params, for the tests outside the package that build
// remedies by hand.
func WithParams(r Remedy, params map[string]string) Remedy {
	r.params = params
	return r
}
