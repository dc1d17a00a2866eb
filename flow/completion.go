// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/vouch-id/vouch"
)

// completion fills the success or failure screen and the message its Done
// button posts: complete with {inquiryId, status, fields}, fields typed as
// {type, value} for Dynamic Flow (spec §1.8); for legacy templates the
// failure is a fail event and the values go out as scopes, a map of
// strings, which is what the SDK reads for them.
func completion(sv *stepView, d *vouch.InquiryDetails) {
	inq := d.Inquiry
	status := "completed"
	if inq.Status == vouch.InquiryFailed || inq.Status == vouch.InquiryDeclined {
		status = "failed"
	}
	name := "complete"
	meta := map[string]any{"inquiryId": inq.ID, "status": status}
	if inq.Legacy() {
		if status == "failed" {
			name = "fail"
		}
		scopes := map[string]string{}
		for k, f := range inq.Fields {
			if f.Value != nil {
				scopes[k] = fmt.Sprint(f.Value)
			}
		}
		meta["scopes"] = scopes
	} else {
		fields := vouch.Fields{}
		for k, f := range inq.Fields {
			fields[k] = f
		}
		meta["fields"] = fields
	}
	b, _ := json.Marshal(map[string]any{"name": name, "metadata": meta}) // plain maps always encode
	sv.Meta = string(b)
	sv.Status = vouch.InquiryStatus(status)
	if inq.RedirectURI != "" {
		sv.RedirectURL = redirectURL(inq, status)
	}
}

// redirectURL is where the hosted flow sends the browser when it ends
// (spec §2.1): redirect-uri with inquiry-id, reference-id and status added.
func redirectURL(inq *vouch.Inquiry, status string) string {
	u, err := url.Parse(inq.RedirectURI)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("inquiry-id", inq.ID)
	if inq.ReferenceID != "" {
		q.Set("reference-id", inq.ReferenceID)
	}
	q.Set("status", status)
	u.RawQuery = q.Encode()
	return u.String()
}
