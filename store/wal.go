package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
)

// The request journal's log is a file of frames after a magic header. A frame is its payload's length
// and a CRC32-C chained from the frame before (as etcd's WAL chains them), then the payload. The file is
// preallocated with zeros, so appending in it changes no size and one fdatasync makes a group durable.
// Reading stops at the first frame that is not whole and valid: a zero length (the preallocated tail),
// a length past the end, or a CRC that does not match. A crash mid-write so loses only the group whose
// sync had not returned, which nobody was told about; the chained CRC keeps a frame left from an older
// write beyond the new end from being taken for a new one.

var (
	walMagic = []byte("PBJRNL1\n")
	walCRC   = crc32.MakeTable(crc32.Castagnoli)
)

const (
	frameHeader = 8
	// maxFrame bounds a payload: a length past it is garbage, not a record.
	maxFrame = 16 << 20
)

// appendFrame appends the frame of payload to buf, chaining the CRC from prev; it returns the new CRC.
func appendFrame(buf []byte, prev uint32, payload []byte) ([]byte, uint32) {
	crc := crc32.Update(prev, walCRC, payload)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(payload)))
	buf = binary.LittleEndian.AppendUint32(buf, crc)
	return append(buf, payload...), crc
}

// readFrames calls apply with each whole, valid frame of data (a log file's bytes) in order, and
// returns the offset after the last one and its CRC. A file shorter than the magic is empty; a file
// that starts otherwise is not a journal.
func readFrames(data []byte, apply func(payload []byte) error) (end int64, crc uint32, err error) {
	if len(data) < len(walMagic) {
		return 0, 0, nil
	}
	if string(data[:len(walMagic)]) != string(walMagic) {
		return 0, 0, errors.New("not a request journal")
	}
	off := len(walMagic)
	for off+frameHeader <= len(data) {
		n := int(binary.LittleEndian.Uint32(data[off:]))
		want := binary.LittleEndian.Uint32(data[off+4:])
		if n == 0 || n > maxFrame || off+frameHeader+n > len(data) {
			break
		}
		payload := data[off+frameHeader : off+frameHeader+n]
		next := crc32.Update(crc, walCRC, payload)
		if next != want {
			break
		}
		if err := apply(payload); err != nil {
			break // a frame whose CRC matched but that does not decode ends the log like a torn one
		}
		off, crc = off+frameHeader+n, next
	}
	return int64(off), crc, nil
}

// writeLogFile writes a new log holding body (whole frames), zero-filled to size, to tmp and syncs it;
// then, unless beforeRename fails, renames it over path and syncs the directory. Until the rename the
// file at path is untouched, so a crash at any point leaves either the old log or the new one.
func writeLogFile(path string, body []byte, size int64, beforeRename func() error) (*os.File, error) {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create journal: %w", err)
	}
	fail := func(err error) (*os.File, error) {
		f.Close()
		return nil, err
	}
	data := append(append([]byte{}, walMagic...), body...)
	if int64(len(data)) > size {
		size = int64(len(data))
	}
	// Zeros written, not a hole or fallocate's unwritten extents: a later write in them then changes
	// no file metadata, and fdatasync flushes the data alone.
	if _, err := f.Write(append(data, make([]byte, size-int64(len(data)))...)); err != nil {
		return fail(fmt.Errorf("write journal: %w", err))
	}
	if err := f.Sync(); err != nil {
		return fail(fmt.Errorf("sync journal: %w", err))
	}
	if beforeRename != nil {
		if err := beforeRename(); err != nil {
			return fail(err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(fmt.Errorf("replace journal: %w", err))
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fail(err)
	}
	return f, nil
}

// syncDir makes a rename or a removal in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open journal directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync journal directory: %w", err)
	}
	return nil
}
