// SPDX-License-Identifier: Apache-2.0

package api

import (
	"strings"
	"time"
	"unicode"
)

// Resource is one JSON:API resource object as Persona renders it (spec
// §4.2): a type, an opaque id, kebab-case attributes and relationships.
// Attributes and Relationships are a map[string]any and a
// map[string]Relationship for most resources, because several carry
// open-ended keys (a verification's extracted data). The inquiry has
// structs instead, because it is what lists and webhooks serve most and
// encoding a map sorts its keys on every call, which was a third of the
// time of a page of inquiries (see render_inquiry.go).
type Resource struct {
	Type          string `json:"type"`
	ID            string `json:"id"`
	Attributes    any    `json:"attributes"`
	Relationships any    `json:"relationships,omitempty"`
}

// Relationship is a JSON:API relationship. Data is nil (rendered null) for
// an empty to-one link, a *Ref for a to-one link, or a []Ref (never nil)
// for a to-many link.
type Relationship struct {
	Data any `json:"data"`
}

// Ref is a resource identifier: what a relationship points at.
type Ref struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// one returns a to-one relationship, null when id is empty.
func one(typ, id string) Relationship {
	if id == "" {
		return Relationship{Data: nil}
	}
	return Relationship{Data: &Ref{Type: typ, ID: id}}
}

// many returns a to-many relationship; an empty list renders as [].
func many(refs []Ref) Relationship {
	if refs == nil {
		refs = []Ref{}
	}
	return Relationship{Data: refs}
}

// Document is the top level of a single-resource response. Included is
// always a list, as in Persona's responses; build documents with single.
type Document struct {
	Data     *Resource      `json:"data"`
	Included []*Resource    `json:"included"`
	Meta     map[string]any `json:"meta,omitempty"`
}

// single returns the document of one resource and what it includes.
func single(data *Resource, included ...*Resource) *Document {
	if included == nil {
		included = []*Resource{}
	}
	return &Document{Data: data, Included: included}
}

// ListDocument is the top level of a list response, with Persona's
// cursor links.
type ListDocument struct {
	Data  []*Resource `json:"data"`
	Links Links       `json:"links"`
}

// Links are the relative URLs of the neighbouring pages; nil renders as
// null when there is no such page.
type Links struct {
	Prev *string `json:"prev"`
	Next *string `json:"next"`
}

// TimeFormat is how every API time is written: RFC 3339 in UTC with
// milliseconds, as in Persona's payloads ("2024-02-15T23:48:17.732Z").
const TimeFormat = "2006-01-02T15:04:05.000Z"

// formatTime renders t in TimeFormat.
func formatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// optTime renders an optional time: null when unset.
func optTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

// optUnix renders an optional time as unix seconds, for the "-ts"
// attributes of verifications.
func optUnix(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Unix()
}

// optString renders an optional string: null when empty, as Persona does
// for an unset reference id or note.
func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Kebab converts a key to kebab-case the way lodash's kebabCase (which the
// official SDK uses) does for the keys we meet: nameFirst, name_first and
// NameFirst all become name-first, and addressStreet1 becomes
// address-street-1.
func Kebab(s string) string {
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 4)
	sep := false // a separator is due before the next letter or digit
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			sep = b.Len() > 0
			continue
		}
		if b.Len() > 0 && !sep && i > 0 {
			prev := rs[i-1]
			next := rune(0)
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			switch {
			case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
				sep = true // fooBar, foo1Bar
			case unicode.IsUpper(r) && unicode.IsUpper(prev) && unicode.IsLower(next):
				sep = true // ABCDef: the D starts a word
			case unicode.IsDigit(r) != unicode.IsDigit(prev):
				sep = true // street1, 1st
			}
		}
		if sep {
			b.WriteByte('-')
			sep = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
