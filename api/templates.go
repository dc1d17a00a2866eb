// SPDX-License-Identifier: Apache-2.0

package api

import (
	"errors"
	"net/http"

	"github.com/vouch-id/vouch"
)

// Templates are managed through the API as a Vouch extension (Persona
// edits them in its dashboard only). The routes follow the same JSON:API
// conventions; a legacy template renders with type "template".

// createTemplateRequest is the body of POST /inquiry-templates.
type createTemplateRequest struct {
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			Name          string                `json:"name"`
			Legacy        bool                  `json:"legacy"`
			Configuration *vouch.TemplateConfig `json:"configuration"`
		} `json:"attributes"`
	} `json:"data"`
}

// publishTemplateRequest is the body of POST /inquiry-templates/{id}/publish.
type publishTemplateRequest struct {
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			Configuration *vouch.TemplateConfig `json:"configuration"`
		} `json:"attributes"`
	} `json:"data"`
}

// errNoConfiguration is the error for a body without a configuration.
var errNoConfiguration = vouch.FieldError("configuration", "configuration is required.")

func (h *handler) createTemplate(r *http.Request, c *call) (*reply, error) {
	var req createTemplateRequest
	if err := decodeBody(c.body, &req, false); err != nil {
		return nil, err
	}
	if err := checkType(req.Data.Type, TypeTemplate, TypeLegacyTemplate); err != nil {
		return nil, err
	}
	a := req.Data.Attributes
	if a.Configuration == nil {
		return nil, errNoConfiguration
	}
	t, v, err := h.svc.CreateTemplate(r.Context(), c.env, a.Name, a.Legacy, *a.Configuration)
	if err != nil {
		return nil, pointToConfiguration(err)
	}
	return &reply{status: http.StatusCreated, doc: single(RenderTemplate(t), RenderTemplateVersion(v))}, nil
}

func (h *handler) publishTemplate(r *http.Request, c *call) (*reply, error) {
	var req publishTemplateRequest
	if err := decodeBody(c.body, &req, false); err != nil {
		return nil, err
	}
	if err := checkType(req.Data.Type, TypeTemplateVersion); err != nil {
		return nil, err
	}
	if req.Data.Attributes.Configuration == nil {
		return nil, errNoConfiguration
	}
	t, v, err := h.svc.PublishTemplateVersion(r.Context(), c.env, r.PathValue("id"), *req.Data.Attributes.Configuration)
	if err != nil {
		return nil, pointToConfiguration(err)
	}
	return &reply{status: http.StatusCreated, doc: single(RenderTemplate(t), RenderTemplateVersion(v))}, nil
}

func (h *handler) getTemplate(r *http.Request, c *call) (*reply, error) {
	t, err := h.svc.FindTemplateByID(r.Context(), c.env, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return h.templateReply(r, c, t)
}

func (h *handler) activateTemplate(r *http.Request, c *call) (*reply, error) {
	return h.setTemplateStatus(r, c, h.svc.ActivateTemplate)
}

func (h *handler) deactivateTemplate(r *http.Request, c *call) (*reply, error) {
	return h.setTemplateStatus(r, c, h.svc.DeactivateTemplate)
}

// setTemplateStatus is the common body of activate and deactivate.
func (h *handler) setTemplateStatus(r *http.Request, c *call,
	fn func(ctx vouch.Context, env vouch.Environment, id string) (*vouch.Template, error),
) (*reply, error) {
	if err := decodeBody(c.body, &emptyRequest{}, true); err != nil {
		return nil, err
	}
	t, err := fn(r.Context(), c.env, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return h.templateReply(r, c, t)
}

// templateReply renders a template with its latest version included.
func (h *handler) templateReply(r *http.Request, c *call, t *vouch.Template) (*reply, error) {
	doc := single(RenderTemplate(t))
	if t.LatestVersionID != "" {
		v, err := h.svc.FindTemplateVersionByID(r.Context(), c.env, t.LatestVersionID)
		if err != nil {
			return nil, err
		}
		doc.Included = append(doc.Included, RenderTemplateVersion(v))
	}
	return &reply{status: http.StatusOK, doc: doc}, nil
}

// listTemplates is GET /inquiry-templates, newest first. Only forward
// paging is offered (page[after]).
func (h *handler) listTemplates(r *http.Request, c *call) (*reply, error) {
	q, p, err := parseList(r)
	if err != nil {
		return nil, err
	}
	if p.before != "" {
		return nil, paramError("page[before]", "Templates can only be paged forwards, with page[after].")
	}
	list, more, err := h.svc.FindTemplates(r.Context(), vouch.TemplateFilter{Environment: c.env, After: p.after, Limit: p.size})
	if err != nil {
		return nil, err
	}
	data := make([]*Resource, len(list))
	for i, t := range list {
		data[i] = RenderTemplate(t)
	}
	return q.listReply(r, p, data, more), nil
}

func (h *handler) getTemplateVersion(r *http.Request, c *call) (*reply, error) {
	v, err := h.svc.FindTemplateVersionByID(r.Context(), c.env, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusOK, doc: single(RenderTemplateVersion(v))}, nil
}

// pointToConfiguration moves the Details of a TemplateConfig validation
// error under /data/attributes/configuration, where those keys live in the
// request.
func pointToConfiguration(err error) error {
	var e *vouch.Error
	if !errors.As(err, &e) || e.Code != vouch.EINVALID || len(e.Details) == 0 {
		return err
	}
	details := make(map[string]string, len(e.Details))
	for k, msg := range e.Details {
		if k == "name" || k == "environment" {
			details[k] = msg
			continue
		}
		details["configuration."+k] = msg
	}
	return &vouch.Error{Code: e.Code, Message: e.Message, Details: details}
}
