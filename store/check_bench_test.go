package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkCheck100k measures the consistency check serve runs at start and backup runs before copying.
func BenchmarkCheck100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "preorderbot.db")
	db, err := Open(path, Options{})
	require.NoError(b, err)
	fillLarge(b, db, 100_000, conversationsOnly)
	defer db.Close()
	for b.Loop() {
		if err := db.Check(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
