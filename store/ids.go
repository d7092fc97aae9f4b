package store

import "github.com/google/uuid"

// newRowID is the id of a new response or submission: a UUID of version
// 7, whose first 48 bits are the time of its making in milliseconds, so
// that ids made later sort later (within one process, strictly: the
// library counts within a millisecond).
//
// Every submission adds some thirty rows to answers, indexed by their
// submission's id (answers_submission). With random ids (version 4) each
// submission wrote into a random page of that index, which grows to
// gigabytes with a large campaign: the pages a submission needs were
// seldom in memory, and after each PostgreSQL checkpoint the first change
// of each page writes the whole page to the write-ahead log (in one load
// test, 4,745 of the 6,738 full pages written, 5.7 KB a submission). Ids
// in the order of their making put those rows at the index's end, in
// the few pages the submissions before wrote. An id tells when it was
// made, to the millisecond: a submission's, its submitted_at; a
// response's, when it was first saved, which the response's own answer
// shows (created_at) and the responses export did not. It has 62 random
// bits, and reads are scoped by the caller, not by the id's secrecy.
func newRowID() string {
	return uuid.Must(uuid.NewV7()).String()
}
