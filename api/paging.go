package api

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/survey"
)

// pageParams are the paging parameters of a list's query (docs/api.md,
// "Lists and paging"): limit, the items a page holds, and the sort key
// that the cursor resumes after (empty on the first page).
//
// A list handler reads them with readPage, passes p.request() to its use
// case or store, and hands what comes back to finishPage, which keeps the
// page's items and writes the Link header of the next page:
//
//	v := &survey.ValidationError{}
//	p := readPage(c, v)
//	// ... read the list's own filters into v ...
//	if err := v.Err(); err != nil { s.writeError(c, err); return }
//	list, err := s.things.List(ctx, principal(c), filter, p.request())
//	// ... on error, writeError ...
//	list = finishPage(c, p, list, func(t survey.Thing) string { return t.Key })
type pageParams struct {
	limit int
	after string
}

// readPage reads limit and cursor from the query, adding to v what is
// wrong with them (limit: out_of_range; cursor: invalid_cursor), so that a
// list reports them together with its own filters' errors.
func readPage(c *gin.Context, v *survey.ValidationError) pageParams {
	p := pageParams{limit: survey.DefaultPageLimit}
	if raw, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > survey.MaxPageLimit {
			v.Add("limit", survey.CodeOutOfRange, "must be an integer from 1 to %d", survey.MaxPageLimit)
		}
		p.limit = n
	}
	if raw := c.Query("cursor"); raw != "" {
		key, ok := survey.DecodeCursor(raw)
		if !ok {
			v.Add("cursor", survey.CodeInvalidCursor, "must be the cursor of a Link header this list sent, unchanged")
		}
		p.after = key
	}
	return p
}

// afterNumber is the cursor of a list whose sort key is a positive
// integer of bitSize bits (an audit event's id, a revision): 0 on the
// first page; a cursor holding anything else is added to v as
// invalid_cursor, as readPage does with one it cannot decode.
func (p pageParams) afterNumber(v *survey.ValidationError, bitSize int) int64 {
	if p.after == "" {
		return 0
	}
	n, err := strconv.ParseInt(p.after, 10, bitSize)
	if err != nil || n < 1 {
		v.Add("cursor", survey.CodeInvalidCursor, "must be the cursor of a Link header this list sent, unchanged")
		return 0
	}
	return n
}

// request is what the use case or store is asked for: one item more than
// the page holds, which tells finishPage whether a next page exists.
func (p pageParams) request() survey.PageRequest {
	return survey.PageRequest{Limit: p.limit + 1, After: p.after}
}

// finishPage returns the page's items of a list read with p.request(),
// key giving each item's sort key. When more items follow, it sets
// `Link: <path?query>; rel="next"`: the request's own path and query
// (filters and limit included) with the cursor after the page's last
// item. The last page has no Link header.
func finishPage[T any](c *gin.Context, p pageParams, items []T, key func(T) string) []T {
	if len(items) <= p.limit {
		return items
	}
	items = items[:p.limit]
	query := c.Request.URL.Query()
	query.Set("cursor", survey.EncodeCursor(key(items[len(items)-1])))
	c.Header("Link", "<"+c.Request.URL.Path+"?"+query.Encode()+`>; rel="next"`)
	return items
}
