package survey

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// Lists that grow with use (accounts, questionnaires, campaigns, the audit
// trail) are read one page at a time by keyset: each list has a stable
// order on a unique sort key, and a page holds the items that come after
// the last item of the previous page in that order. Unlike an offset, a
// key stays right when items are added or removed between two pages: no
// item is shown twice, and none that existed throughout is skipped.
//
// The use case or store of a list takes a PageRequest; the API reads it
// from the query (limit and an opaque cursor, api/paging.go) and hands
// the next page's cursor back in a Link header, so that list bodies stay
// plain arrays.

// The number of items of a page the API serves: DefaultPageLimit when
// the client names none, at most MaxPageLimit.
const (
	DefaultPageLimit = 100
	MaxPageLimit     = 500
)

// PageRequest asks for one page of a list, in the list's own order.
// The zero PageRequest asks for the whole list, which is what the web
// pages and the command line read.
type PageRequest struct {
	// Limit is the most items returned; 0 means no limit.
	Limit int
	// After is the sort key of the last item of the previous page: only
	// items after it in the list's order are returned. Empty: from the
	// first item. Each list documents its sort key (an e-mail, a key, an
	// id written in decimal); stores compare text keys byte by byte, the
	// order Go's string comparison gives.
	After string
}

// cursorPrefix marks the cursors of EncodeCursor, so that the encoding can
// change later without an old cursor being read as a key.
const cursorPrefix = "k1:"

// EncodeCursor returns the opaque cursor that resumes a list after the
// item whose sort key is key. Clients hand it back unchanged; it is not
// meant to be read or built by them.
func EncodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + key))
}

// DecodeCursor returns the sort key that a cursor of EncodeCursor holds;
// ok is false for anything else (whoever reads the query reports it as
// CodeInvalidCursor).
func DecodeCursor(cursor string) (key string, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return "", false
	}
	key, ok = strings.CutPrefix(string(raw), cursorPrefix)
	if !ok || key == "" || !utf8.ValidString(key) || strings.ContainsRune(key, 0) {
		return "", false
	}
	return key, true
}

// PageOf returns the page that p selects from items, which are in
// ascending order of key, byte by byte: those after p.After, at most
// p.Limit of them (all when 0). It is the reference of what a store's
// query returns (internal/memstore pages its lists with it).
func PageOf[T any](items []T, p PageRequest, key func(T) string) []T {
	start := 0
	if p.After != "" {
		for start < len(items) && key(items[start]) <= p.After {
			start++
		}
	}
	items = items[start:]
	if p.Limit > 0 && len(items) > p.Limit {
		items = items[:p.Limit]
	}
	return items
}
