package console

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"github.com/kefu-dev/kefu/cases"
)

// attachmentGet answers a file a customer sent: its bytes as a download
// with the stored content type, or a redirect to the channel's link when
// kefu keeps only that (a WeChat PicUrl).
func (a *API) attachmentGet(w http.ResponseWriter, r *http.Request, u cases.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	att, err := a.svc.AttachmentGet(r.Context(), u, id)
	if err != nil {
		return err
	}
	if att.CaseID != 0 {
		info(r.Context()).caseID = att.CaseID
	}
	h := w.Header()
	// Personal data: no shared cache may keep it.
	h.Set("Cache-Control", "no-store")
	if att.Data == nil {
		if link, err := url.Parse(att.URL); err == nil && (link.Scheme == "https" || link.Scheme == "http") && link.Host != "" {
			http.Redirect(w, r, link.String(), http.StatusFound)
			return nil
		}
		return cases.Errorf(cases.ENotFound, fmt.Sprintf("attachment %d: the channel handed over neither the file nor a link", id))
	}
	ct := att.ContentType
	if _, _, err := mime.ParseMediaType(ct); err != nil || ct == "" {
		ct = "application/octet-stream"
	}
	name := att.Name
	if name == "" {
		name = "attachment-" + strconv.FormatInt(id, 10)
	}
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if disp == "" { // a name FormatMediaType cannot encode
		disp = mime.FormatMediaType("attachment", map[string]string{"filename": "attachment-" + strconv.FormatInt(id, 10)})
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", disp)
	h.Set("Content-Length", strconv.Itoa(len(att.Data)))
	// Customer-supplied content: never sniffed, never run as a page.
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	w.Write(att.Data)
	return nil
}
