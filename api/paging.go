// SPDX-License-Identifier: Apache-2.0

package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vouch-id/vouch"
)

// Page sizes, as in Persona's API (spec §4.3).
const (
	DefaultPageSize = 10
	MaxPageSize     = 100
)

// page is a list request's position: object-id cursors and a size.
type page struct {
	after, before string
	size          int
}

// query wraps a list request's query string. It knows which filter[…]
// keys the endpoint accepts, so a misspelt filter is a 400 rather than a
// silently unfiltered list.
type query struct {
	values url.Values
}

// newQuery checks that every filter[…] and page[…] key is one the endpoint
// supports. Other parameters (include, sparse fieldsets) are left to the
// handler.
func newQuery(r *http.Request, filters ...string) (query, error) {
	q := r.URL.Query()
	known := map[string]bool{"page[after]": true, "page[before]": true, "page[size]": true}
	for _, f := range filters {
		known["filter["+f+"]"] = true
	}
	for k := range q {
		if (strings.HasPrefix(k, "filter[") || strings.HasPrefix(k, "page[")) && !known[k] {
			return query{}, paramError(k, "Unknown query parameter %s.", clip(k))
		}
	}
	return query{values: q}, nil
}

// parseList parses a list request: its query (filter[…] keys checked
// against filters) and its page.
func parseList(r *http.Request, filters ...string) (query, page, error) {
	q, err := newQuery(r, filters...)
	if err != nil {
		return query{}, page{}, err
	}
	p, err := q.page()
	return q, p, err
}

// listReply is the reply of a list route: one page of resources, newest
// first, with the links to its neighbours.
func (q query) listReply(r *http.Request, p page, data []*Resource, more bool) *reply {
	ids := make([]string, len(data))
	for i, d := range data {
		ids[i] = d.ID
	}
	return &reply{status: http.StatusOK, doc: ListDocument{Data: data, Links: q.links(r, p, ids, more)}}
}

// paramError is an EINVALID about one query parameter.
func paramError(param, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	key := param
	if !strings.Contains(param, "[") {
		key = "?" + param
	}
	return &vouch.Error{Code: vouch.EINVALID, Message: msg, Details: map[string]string{key: msg}}
}

// clip shortens a client-supplied value quoted back in an error.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// str returns filter[name] as a pointer, nil when absent or empty.
func (q query) str(name string) *string {
	v := strings.TrimSpace(q.values.Get("filter[" + name + "]"))
	if v == "" {
		return nil
	}
	return &v
}

// list returns filter[name] as a comma list; repeated parameters add up.
func (q query) list(name string) []string {
	var out []string
	for _, v := range q.values["filter["+name+"]"] {
		for _, e := range strings.Split(v, ",") {
			if e = strings.TrimSpace(e); e != "" {
				out = append(out, e)
			}
		}
	}
	return out
}

// time returns filter[name] parsed as an RFC 3339 date-time.
func (q query) time(name string) (*time.Time, error) {
	v := q.str(name)
	if v == nil {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *v)
	if err != nil {
		return nil, paramError("filter["+name+"]", "filter[%s] must be an RFC 3339 date-time such as 2024-02-15T23:48:17Z.", name)
	}
	return &t, nil
}

// page returns the cursors and size; page[size] must be 1 to 100.
func (q query) page() (page, error) {
	p := page{
		after:  strings.TrimSpace(q.values.Get("page[after]")),
		before: strings.TrimSpace(q.values.Get("page[before]")),
		size:   DefaultPageSize,
	}
	if p.after != "" && p.before != "" {
		return page{}, paramError("page[before]", "page[after] and page[before] cannot be combined.")
	}
	if s := q.values.Get("page[size]"); s != "" {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > MaxPageSize {
			return page{}, paramError("page[size]", "page[size] must be an integer from 1 to %d.", MaxPageSize)
		}
		p.size = n
	}
	return p, nil
}

// links returns the prev and next links of a page of ids (newest first),
// as relative URLs that keep every other parameter of the request. With
// page[before] the list walked towards newer objects, so more means a
// previous page; otherwise it means a next page. A link back to where the
// client came from exists whenever it used a cursor and got a page.
func (q query) links(r *http.Request, p page, ids []string, more bool) Links {
	var l Links
	if len(ids) == 0 {
		return l
	}
	first, last := ids[0], ids[len(ids)-1]
	if p.before != "" {
		if more {
			l.Prev = q.link(r, "page[before]", first)
		}
		l.Next = q.link(r, "page[after]", last)
		return l
	}
	if more {
		l.Next = q.link(r, "page[after]", last)
	}
	if p.after != "" {
		l.Prev = q.link(r, "page[before]", first)
	}
	return l
}

// link builds one relative URL with the cursor replaced.
func (q query) link(r *http.Request, param, id string) *string {
	v := url.Values{}
	for k, vs := range q.values {
		if k != "page[after]" && k != "page[before]" {
			v[k] = vs
		}
	}
	v.Set(param, id)
	s := r.URL.Path + "?" + v.Encode()
	return &s
}
