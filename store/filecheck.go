package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
)

// bbolt's meta page, as laid out on disk by go.etcd.io/bbolt/internal/common (page.go, meta.go): a 16-byte
// page header, then magic, version, page size, flags, root bucket (root page id, sequence), freelist page
// id, high-water page id, transaction id and an FNV-64a checksum of everything before it.
const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	metaOffset      = 16
	metaSumOffset   = metaOffset + 56
	metaSize        = metaSumOffset + 8
	minBoltPageSize = 1024
	maxBoltPageSize = 1024 << 14 // the largest page size bbolt looks for
)

// boltMeta is the part of a meta page that says how big the file must be.
type boltMeta struct {
	pageSize uint32
	pgid     uint64 // high-water mark: pages 0..pgid-1 exist in the file
	txid     uint64
}

// checkFile refuses a file bbolt would read past its end or misread, before bbolt maps it: bbolt maps
// the file and trusts its meta page, so a truncated file turns into a SIGBUS at the first read of a
// missing page, which no recover can catch. A missing or empty file is fine (Open creates it).
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	size := info.Size()
	if size == 0 {
		return nil
	}
	m, err := newestMeta(f, size)
	if err != nil {
		return err
	}
	if need := m.pgid * uint64(m.pageSize); uint64(size) < need {
		return fmt.Errorf("%w: the file is truncated: it has %d bytes, its last transaction needs %d", ErrDamaged,
			size, need)
	}
	return nil
}

// newestMeta returns the valid meta page with the highest transaction id, the one bbolt would use.
func newestMeta(r io.ReaderAt, size int64) (boltMeta, error) {
	var found []boltMeta
	first, err := readMeta(r, 0)
	if err == nil {
		found = append(found, first)
		if second, err := readMeta(r, int64(first.pageSize)); err == nil {
			found = append(found, second)
		}
	} else {
		// The first meta page is unreadable: look for the second one at every page size bbolt supports.
		for ps := int64(minBoltPageSize); ps <= maxBoltPageSize && ps < size; ps *= 2 {
			if m, err := readMeta(r, ps); err == nil && int64(m.pageSize) == ps {
				found = append(found, m)
				break
			}
		}
	}
	if len(found) == 0 {
		return boltMeta{}, fmt.Errorf("%w: no valid bbolt meta page (%v)", ErrDamaged, err)
	}
	newest := found[0]
	for _, m := range found[1:] {
		if m.txid > newest.txid {
			newest = m
		}
	}
	return newest, nil
}

// readMeta reads and validates the meta page at off.
func readMeta(r io.ReaderAt, off int64) (boltMeta, error) {
	var buf [metaSize]byte
	if _, err := r.ReadAt(buf[:], off); err != nil {
		return boltMeta{}, fmt.Errorf("read meta page at %d: %w", off, err)
	}
	le := binary.NativeEndian
	if le.Uint32(buf[metaOffset:]) != boltMagic {
		return boltMeta{}, errors.New("not a bbolt file (bad magic)")
	}
	if v := le.Uint32(buf[metaOffset+4:]); v != boltVersion {
		return boltMeta{}, fmt.Errorf("bbolt file format v%d, want v%d", v, boltVersion)
	}
	h := fnv.New64a()
	_, _ = h.Write(buf[metaOffset:metaSumOffset])
	if h.Sum64() != le.Uint64(buf[metaSumOffset:]) {
		return boltMeta{}, errors.New("meta page checksum mismatch")
	}
	m := boltMeta{pageSize: le.Uint32(buf[metaOffset+8:]), pgid: le.Uint64(buf[metaOffset+40:]),
		txid: le.Uint64(buf[metaOffset+48:])}
	if m.pageSize < minBoltPageSize || m.pageSize > maxBoltPageSize || m.pageSize&(m.pageSize-1) != 0 {
		return boltMeta{}, fmt.Errorf("impossible page size %d", m.pageSize)
	}
	return m, nil
}

// safely turns a panic of the storage engine into ErrDamaged: bbolt panics on a page it cannot make
// sense of, and a damaged page can send it reading outside the mapped file, which SetPanicOnFault turns
// from a fatal fault into a panic. Both only happen on the goroutine running fn.
func safely(op string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: %w: %v", op, ErrDamaged, r)
		}
	}()
	return fn()
}

// readAll reads every key and value of every bucket, so that a damaged page faults here, under safely,
// rather than in bbolt's own checking goroutine where no recover reaches.
func readAll(tx *bolt.Tx) error {
	h := crc32.NewIEEE()
	var walk func(b *bolt.Bucket) error
	walk = func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			_, _ = h.Write(k)
			if v == nil {
				if child := b.Bucket(k); child != nil {
					return walk(child)
				}
			}
			_, _ = h.Write(v)
			return nil
		})
	}
	return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walk(b) })
}
