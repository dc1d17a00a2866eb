// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"net/http"
	"net/url"
	"time"

	"github.com/vouch-id/vouch"
)

// linkCookiePrefix starts the name of the cookie in which the hosted page
// keeps the session token a one-time link gave, one cookie per inquiry.
//
// A link works once (and for vouch.LinkGrace more), but people reload:
// mobile browsers even reload on their own a tab left for the camera app.
// Redeeming the link therefore sets this cookie and redirects to
// /verify?inquiry-id=…, so that a reload opens the inquiry with the same
// token, for as long as the session lives, in this browser only. The token
// never goes into a URL, and the code leaves the address bar and the
// history.
const linkCookiePrefix = "vouch_link_"

// redeemLink serves /verify?code=…: it redeems the one-time link and
// redirects to the inquiry's page with the token in a cookie, or renders
// unauthenticated, as for a bad token, when the link does not open.
func (h *Handler) redeemLink(w http.ResponseWriter, r *http.Request, nonce string, p *Params) {
	sess, token, err := h.svc.RedeemOneTimeLink(r.Context(), p.Code)
	if err != nil {
		h.renderPageError(w, r, nonce, p, true, err, "'none'")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     linkCookiePrefix + sess.InquiryID,
		Value:    token,
		Path:     RouteVerify,
		MaxAge:   max(1, int(time.Until(sess.ExpiresAt)/time.Second)),
		HttpOnly: true,
		// Lax, not Strict: the link is opened from a mail or a message,
		// another site, and the cookie must come back on the redirect.
		SameSite: http.SameSiteLaxMode,
		Secure:   r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https",
	})
	linkRedirect(w, r, url.Values{"inquiry-id": {sess.InquiryID}})
}

// shortLink serves the short form of a one-time link: a redirect to the
// long form. It looks nothing up, so it spends nothing of the link and
// answers every code alike.
func (h *Handler) shortLink(w http.ResponseWriter, r *http.Request) {
	linkRedirect(w, r, url.Values{"code": {r.PathValue("code")}})
}

// linkRedirect sends the browser on to the hosted page with q. Nothing
// caches it and no Referer carries the link's URL, which holds the code,
// to another site.
func linkRedirect(w http.ResponseWriter, r *http.Request, q url.Values) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, RouteVerify+"?"+q.Encode(), http.StatusSeeOther)
}

// openWithLinkCookie opens an inquiry named without a session token on the
// hosted page, with the token a one-time link left in this browser when
// there is one. A token that no longer works (its session ended) is
// dropped, cookie included, and the page opens as it would without it: a
// created inquiry still opens by its id.
func (h *Handler) openWithLinkCookie(w http.ResponseWriter, r *http.Request, p *Params) (*opened, error) {
	c, err := r.Cookie(linkCookiePrefix + p.InquiryID)
	if err != nil || c.Value == "" {
		return h.open(r, p)
	}
	p.SessionToken = c.Value
	o, err := h.open(r, p)
	if vouch.ErrorCode(err) != vouch.EUNAUTHORIZED {
		return o, err
	}
	http.SetCookie(w, &http.Cookie{Name: c.Name, Path: RouteVerify, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	p.SessionToken = ""
	return h.open(r, p)
}
