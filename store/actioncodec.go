package store

import (
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// An action is stored under its id as actionTag, the 8-byte big-endian unix nanos its retention starts
// (actionTime), then its JSON without the id, which is the key, compressed when large. Prune reads the
// time without decoding the rest. Values written before schema v10 are plain or compressed JSON with the
// id; both read the same.
const actionTag byte = 0x01

// timeIDPrefix starts every id newActionID makes. It is no character of the lower-case base32 that older
// ids used, so time-keyed ids sort together, before them.
const timeIDPrefix = "1"

// timeIDEncoding is base32hex in lower case: it sorts like the bytes it encodes.
var timeIDEncoding = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// timeIDLen is the length of an id newActionID makes: the prefix and 21 bytes in base32.
var timeIDLen = len(timeIDPrefix) + timeIDEncoding.EncodedLen(5+16)

// idTime returns the creation second an id made by newActionID carries; ok is false for any other id.
func idTime(id []byte) (time.Time, bool) {
	if len(id) != timeIDLen || string(id[:len(timeIDPrefix)]) != timeIDPrefix {
		return time.Time{}, false
	}
	var b [8]byte
	// 8 characters are exactly the 5 bytes of seconds.
	if n, err := timeIDEncoding.Decode(b[3:], id[len(timeIDPrefix):len(timeIDPrefix)+8]); err != nil || n != 5 {
		return time.Time{}, false
	}
	return time.Unix(int64(binary.BigEndian.Uint64(b[:])), 0).UTC(), true
}

// storedAction is Action as stored: without the id, which is the key.
type storedAction struct {
	ID             string            `json:"-"`
	Kind           string            `json:"kind"`
	Params         map[string]string `json:"params,omitempty"`
	ConversationID uint64            `json:"conversationId"`
	CreatedBy      string            `json:"createdBy"`
	CreatedAt      time.Time         `json:"createdAt"`
	ExpiresAt      time.Time         `json:"expiresAt,omitzero"`
	UsedBy         string            `json:"usedBy,omitempty"`
	UsedAt         time.Time         `json:"usedAt,omitzero"`
	Result         string            `json:"result,omitempty"`
}

func encodeAction(a Action) ([]byte, error) {
	data, err := json.Marshal(storedAction(a))
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	v := make([]byte, 9, 9+len(data))
	v[0] = actionTag
	binary.BigEndian.PutUint64(v[1:], uint64(max(actionTime(a).UnixNano(), 0)))
	return append(v, compress(data)...), nil
}

// decodeAction reads the action stored under id in either format; it returns a *CorruptError.
func decodeAction(id, v []byte) (Action, error) {
	if len(v) == 0 || v[0] != actionTag {
		var a Action
		err := decode(bucketActions, id, v, &a)
		return a, err
	}
	if len(v) < 9 {
		return Action{}, &CorruptError{Bucket: string(bucketActions), Key: printableKey(id),
			Err: errors.New("value shorter than its header")}
	}
	var sa storedAction
	if err := decode(bucketActions, id, v[9:], &sa); err != nil {
		return Action{}, err
	}
	sa.ID = string(id)
	return Action(sa), nil
}

// storedActionTime is the retention start of an action stored in the current format; ok is false for
// older values, which the time index lists.
func storedActionTime(v []byte) (time.Time, bool) {
	if len(v) < 9 || v[0] != actionTag {
		return time.Time{}, false
	}
	return keyTime(v[1:9]), true
}
