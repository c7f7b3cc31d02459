// Package store keeps preorderbot's conversation state in one bbolt file: conversations and the cards that
// show them, one-shot button actions, the append-only audit trail, report snapshots, escalation threads,
// job watches, sweep results and claims.
//
// Records are plain Go values stored as JSON, compressed with zstd and a built-in dictionary when longer
// than a few lines (see compress.go), actions behind a short binary header; the store knows neither Slack
// nor HotWax types. Every exported method takes a context first and checks it before opening a
// transaction. Callers only ever
// see this package's errors (ErrNotFound, ErrActionUsed, ErrActionExpired, ErrCorrupt, ErrLocked, …),
// never bbolt's.
//
// Bucket tree (schema version 11) and key formats:
//
//	meta
//	  "schema_version"        → 8-byte big-endian uint64
//	  "last_ping"             → 8-byte BE unix nanos of the last readiness write (Ping)
//	conversations
//	  <id: 8-byte BE seq>     → Conversation JSON (id from the bucket's NextSequence)
//	cards
//	  <channel>/<ts>          → 8-byte BE conversation id
//	actions
//	  <action id>             → 0x01, 8-byte BE unix nanos its retention starts, Action JSON without the id
//	                            (since v10; before, Action JSON). Ids made by NewActionID since v10 are
//	                            "1" and base32hex of <5-byte BE unix seconds created><16 random bytes>, so
//	                            they sort by creation, before older ids (26 lower-case base32 characters)
//	audit
//	  <at: 8-byte BE unix nanos><seq: 8-byte BE> → AuditRecord JSON (append-only, time order)
//	audit_by_sku                                 (since v2)
//	  <sku>\x00<audit key>                       → empty
//	snapshots
//	  <product store id>/<sku>                   → Snapshot JSON, or (since v10) 0x02, 8-byte BE unix nanos
//	                                               At, 8-byte BE conversation id, uvarint index in its
//	                                               LastReport, 8-byte FNV-64a of that report
//	escalations
//	  <product store id>/<sku>/<cause>           → Escalation JSON
//	watches
//	  <job id>                                   → Watch JSON
//	busy_conversations                           (since v5)
//	  <conversation id: 8-byte BE>               → empty (work under way: checking, a fix, an escalation)
//	effects                                      (since v6)
//	  <effect key, e.g. run/STORE/JOB/10001>     → Effect JSON (the last claim of that OMS change)
//	modals                                       (since v6)
//	  <external id>                              → Modal JSON (a form the bot opened, for whom, from which button)
//	by_time                                      (since v7)
//	  <at: 8-byte BE unix nanos><kind: c|a|s><conversation, action or snapshot key; since v10 no action
//	                                          whose id NewActionID made: Prune walks those by their key>
//	                                             → card key (conversations) or empty; at is when the
//	                                               record's retention starts (see timeindex.go)
//	sweep_runs                                   (since v8)
//	  <product store id>\x00<started: 8-byte BE unix nanos> → SweepRun JSON
//	sweep_skus                                   (since v8)
//	  <product store id>\x00<sku>\x00<started: 8-byte BE unix nanos>
//	                                             → [1][cause index][2-byte check bit mask], or
//	                                               [2]cause\x00check,… for a cause or check unknown to the table
//
// Schema history: v1 created the first seven record buckets and meta; v2 added the two audit indexes and
// back-filled them from existing audit records; v3 added envelopes; v4 added the request journal; v5
// added the index of busy conversations, filled from the conversations already there; v6 added effects and
// modals; v7 added the time index, filled from the conversations, actions and snapshots already there, and
// rewrote their values compressed; v8 added sweep_runs and sweep_skus; v9 deleted audit_by_conversation,
// which nothing read; v10 stores actions keyed by time and snapshots as references to their conversation's
// report (records already there keep their format); v11 deleted envelopes and requests, which the request
// journal's log (Journal) replaced. Migrations run in order, in the same read-write
// transaction that creates the file, when Open finds an older version.
package store
