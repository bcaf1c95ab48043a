package console

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
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

// caseAttach takes a multipart upload (part "file") and stores it on the
// case; the body limit is the file limit plus room for the form.
func (a *API) caseAttach(w http.ResponseWriter, r *http.Request, u cases.User) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	name, data, err := readUpload(w, r, "file")
	if err != nil {
		return err
	}
	att, err := a.svc.CaseAttach(r.Context(), u, id, name, data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newAttachmentView(att))
	return nil
}

// readUpload reads one file part of a multipart form of at most
// service.MaxStaffFile bytes of file.
func readUpload(w http.ResponseWriter, r *http.Request, part string) (string, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, service.MaxStaffFile+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", nil, cases.Errorf(cases.ETooLarge, fmt.Sprintf("file: larger than %d MiB", service.MaxStaffFile>>20))
		}
		return "", nil, cases.Errorf(cases.EInvalid, "body: a multipart/form-data upload with a part "+part+" is required")
	}
	defer r.MultipartForm.RemoveAll()
	f, hdr, err := r.FormFile(part)
	if err != nil {
		return "", nil, cases.Errorf(cases.EInvalid, part+": required")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, service.MaxStaffFile+1))
	if err != nil {
		return "", nil, fmt.Errorf("read upload: %w", err)
	}
	return hdr.Filename, data, nil
}

// conversationAttachments lists a conversation's files (without bytes).
func (a *API) conversationAttachments(w http.ResponseWriter, r *http.Request, u cases.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	info(r.Context()).conversationID = id
	list, err := a.svc.ConversationAttachments(r.Context(), u, id)
	if err != nil {
		return err
	}
	out := struct {
		Attachments []attachmentView `json:"attachments"`
	}{Attachments: make([]attachmentView, 0, len(list))}
	for _, att := range list {
		out.Attachments = append(out.Attachments, newAttachmentView(att))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
