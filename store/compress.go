package store

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// A stored value is JSON or, when compressing it is worth it, a zstd frame of that JSON made with the
// dictionary the frame names. JSON never starts with a zstd frame's magic number, so the two cannot be
// confused and values written before compression existed read as they are. Values shorter than
// compressMin stay plain: compression saves next to nothing on them.
//
// Measured on varied reports of the diagnostic chain (store/internal/reportgen) with the dictionary:
// zstd at its default level shrinks a 5.2 KB conversation to about 670 bytes in 50–90 µs (1.6 ms under the
// race detector) and reads it back in 5 µs; its better level to about 570 bytes for about 180 µs, and its
// best to 560 bytes for ten times that. compress/flate at level 6 with the same dictionary reaches 490
// bytes but re-hashes the whole dictionary for every value: 300 µs, 16 ms under the race detector, which
// slowed every write of the bot's tests enough to break their timing. Hence github.com/klauspost/compress/zstd
// at its better level, which prepares the dictionary once: 100,000 conversations take 88 MiB instead of 96,
// and the extra 0.1 ms per write is small beside the fsync (about 5 ms) that every write waits for anyway.
const compressMin = 128

// dictV1 primes the compressor with typical values: conversations and snapshots holding reports of the
// diagnostic chain, a card's actions and audit records, as the bot stored them. A dictionary that no
// longer resembles the values only costs ratio, never correctness. It MUST NOT change: every frame made
// with dictionary ID dictV1ID needs it to be read (TestDictionaryIsFrozen). A better dictionary gets the
// next ID, and this one stays for reading.
//
//go:embed dict1.json
var dictV1 []byte

const dictV1ID = 1

var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// The coder and decoder are made on first use: preparing the dictionary and the coders' tables costs about a
// millisecond, which every command of the binary would pay at start, `check` included, that never opens a store.
var (
	encoder = sync.OnceValue(mustEncoder)
	decoder = sync.OnceValue(mustDecoder)
)

func mustEncoder() *zstd.Encoder {
	// Values are small: a window that holds the dictionary and one value keeps each encoder's memory low.
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderDictRaw(dictV1ID, dictV1), zstd.WithWindowSize(1<<17),
		zstd.WithLowerEncoderMem(true), zstd.WithEncoderConcurrency(2), zstd.WithEncoderLevel(zstd.SpeedBetterCompression))
	if err != nil {
		panic(fmt.Sprintf("zstd encoder: %v", err)) // only for invalid options
	}
	return enc
}

func mustDecoder() *zstd.Decoder {
	// No stored value comes near 16 MiB: a damaged frame that claims more is refused, not allocated.
	dec, err := zstd.NewReader(nil, zstd.WithDecoderDictRaw(dictV1ID, dictV1), zstd.WithDecoderMaxMemory(16<<20),
		zstd.WithDecoderConcurrency(2))
	if err != nil {
		panic(fmt.Sprintf("zstd decoder: %v", err))
	}
	return dec
}

// compress returns data as it should be stored: a zstd frame when that is shorter, else data itself.
func compress(data []byte) []byte {
	if len(data) < compressMin {
		return data
	}
	packed := encoder().EncodeAll(data, make([]byte, 0, len(data)/4))
	if len(packed) >= len(data) {
		return data
	}
	return packed
}

// decompress returns the JSON of a stored value. A compressed value is decoded into new memory; a plain one
// is returned as is.
func decompress(stored []byte) ([]byte, error) {
	if !bytes.HasPrefix(stored, zstdMagic) {
		return stored, nil
	}
	data, err := decoder().DecodeAll(stored, nil)
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	return data, nil
}
