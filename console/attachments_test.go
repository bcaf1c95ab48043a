package console

import (
	"bytes"
	"context"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/service"
)

var samplePhoto = []byte{0xff, 0xd8, 0xff, 0xe0, 0, 'J', 'F', 'I', 'F'}

// AttachmentGet answers 42 with bytes, 43 with a link only, 44 with
// neither, and anything else not found.
func (f *fakeService) AttachmentGet(ctx context.Context, u cases.User, id int64) (service.Attachment, error) {
	if err := f.record(ctx, "AttachmentGet", u, id, nil); err != nil {
		return service.Attachment{}, err
	}
	info := service.AttachmentInfo{ID: id, ConversationID: 9, CaseID: 42, ContentType: "image/jpeg", CreatedAt: t0}
	switch id {
	case 42:
		info.Name, info.Size = "凹痕 photo.jpg", int64(len(samplePhoto))
		return service.Attachment{AttachmentInfo: info, Data: samplePhoto}, nil
	case 43:
		info.Name, info.URL = "media-1", "https://mmbiz.qpic.cn/pic/1.jpg"
		return service.Attachment{AttachmentInfo: info}, nil
	case 44:
		info.Name, info.ContentType = "voice-1", "audio/amr"
		return service.Attachment{AttachmentInfo: info}, nil
	}
	return service.Attachment{}, cases.Errorf(cases.ENotFound, "attachment not found")
}

func TestAttachmentDownload(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.do(t, "GET", "/api/v1/attachments/42", "", "")
	if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), samplePhoto) {
		t.Fatalf("status = %d, body %q", w.Code, w.Body)
	}
	h := w.Header()
	if h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", h)
	}
	disp, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || params["filename"] != "凹痕 photo.jpg" {
		t.Errorf("Content-Disposition %q: %s %v %v", h.Get("Content-Disposition"), disp, params, err)
	}
	if calls := b.svc.Calls(); len(calls) != 1 || calls[0] != (call{name: "AttachmentGet", user: head, id: 42}) {
		t.Errorf("calls = %+v", calls)
	}
}

func TestAttachmentLinkOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.do(t, "GET", "/api/v1/attachments/43", "", "")
	if w.Code != http.StatusFound || w.Header().Get("Location") != "https://mmbiz.qpic.cn/pic/1.jpg" {
		t.Fatalf("status = %d, headers %v", w.Code, w.Header())
	}
	w = b.do(t, "GET", "/api/v1/attachments/44", "", "")
	if w.Code != http.StatusNotFound || decodeError(t, w).Error != cases.ENotFound {
		t.Fatalf("neither bytes nor link: status = %d, body %s", w.Code, w.Body)
	}
}

func TestAttachmentErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		path   string
		err    error
		status int
	}{
		{"missing", "/api/v1/attachments/7", nil, http.StatusNotFound},
		{"forbidden", "/api/v1/attachments/42", cases.Errorf(cases.EForbidden, "user:7 (head, technical_support) may not read case K-000050 of logistics"), http.StatusForbidden},
		{"bad id", "/api/v1/attachments/x1", nil, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.svc.err = tt.err
			w := b.do(t, "GET", tt.path, "", "")
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			if e := decodeError(t, w); e.Message == "" {
				t.Errorf("body = %+v", e)
			}
		})
	}
}

func (f *fakeService) CaseAttach(ctx context.Context, u cases.User, id int64, name string, data []byte) (service.AttachmentInfo, error) {
	if err := f.record(ctx, "CaseAttach", u, id, name+":"+string(data)); err != nil {
		return service.AttachmentInfo{}, err
	}
	return service.AttachmentInfo{ID: 77, CaseID: id, Name: name, ContentType: "text/plain; charset=utf-8",
		Size: int64(len(data)), CreatedAt: t0, UploadedBy: u.Actor()}, nil
}

// A staff upload is a multipart part "file"; anything else is a 400 that
// says so, and an oversized one a 413.
func TestCaseAttach(t *testing.T) {
	t.Parallel()
	upload := func(b *testBundle, field string, data []byte) *httptest.ResponseRecorder {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile(field, "维修单.txt")
		_, _ = fw.Write(data)
		_ = mw.Close()
		r := httptest.NewRequest("POST", "/api/v1/cases/42/attachments", &buf)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		r.Header.Set("Authorization", "Bearer "+goodToken)
		w := httptest.NewRecorder()
		b.handler.ServeHTTP(w, r)
		return w
	}
	b := setup(t)
	w := upload(b, "file", []byte("已更换排水泵"))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"name":"维修单.txt"`) || !strings.Contains(w.Body.String(), `"uploaded_by":"user:`) {
		t.Fatalf("status = %d, body %s", w.Code, w.Body)
	}
	if calls := b.svc.Calls(); len(calls) != 1 || calls[0].arg != "维修单.txt:已更换排水泵" || calls[0].id != 42 {
		t.Errorf("calls = %+v", calls)
	}
	if w := upload(setup(t), "other", []byte("x")); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "file: required") {
		t.Errorf("no file part: %d %s", w.Code, w.Body)
	}
	if w := b.do(t, "POST", "/api/v1/cases/42/attachments", `{"file":"x"}`, ""); w.Code != http.StatusBadRequest {
		t.Errorf("JSON body: %d %s", w.Code, w.Body)
	}
	if w := upload(setup(t), "file", bytes.Repeat([]byte("x"), service.MaxStaffFile+100<<10)); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("too large: %d %s", w.Code, w.Body)
	}
}

func (f *fakeService) ConversationAttachments(ctx context.Context, u cases.User, id int64) ([]service.AttachmentInfo, error) {
	if err := f.record(ctx, "ConversationAttachments", u, id, nil); err != nil {
		return nil, err
	}
	return []service.AttachmentInfo{{ID: 5, ConversationID: id, MessageID: 3, Name: "dent.jpg", ContentType: "image/jpeg", Size: 9, CreatedAt: t0}}, nil
}

func TestConversationAttachments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.do(t, "GET", "/api/v1/conversations/9/attachments", "", "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"attachments":[{"id":5,"name":"dent.jpg"`) {
		t.Fatalf("status = %d, body %s", w.Code, w.Body)
	}
}

// ?count=true adds how many cases match, for a badge.
func TestCaseListCount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.do(t, "GET", "/api/v1/cases?open=true&count=true", "", "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"count":7`) {
		t.Fatalf("status = %d, body %s", w.Code, w.Body)
	}
	calls := b.svc.Calls()
	if len(calls) != 2 || calls[1].name != "CaseCount" || calls[1].arg != (service.CaseFilter{Open: true}) {
		t.Errorf("calls = %+v", calls)
	}
	if w := b.do(t, "GET", "/api/v1/cases", "", ""); strings.Contains(w.Body.String(), `"count"`) {
		t.Errorf("count without asking: %s", w.Body)
	}
}
