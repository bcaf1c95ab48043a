package email

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

var (
	hashRe       = regexp.MustCompile(`^[0-9a-f]{32}$`)
	headerLineRe = regexp.MustCompile(`^[A-Za-z0-9-]+:[^\r\n]*\r\n`)
)

// FuzzParse: any bytes from the mailbox either fail to parse or give a
// message that the same bytes always give (a refetch after a crash must
// dedupe), with a content hash, a lower-cased sender, its attachments
// within the limits, and text with no carriage returns; a copy that picked
// up a trace header on delivery has the same id and hash. Seeds:
// testdata/*.eml.
func FuzzParse(f *testing.F) {
	names, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil || len(names) == 0 {
		f.Fatalf("no testdata: %v", err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	lim := Limits{MaxAttachmentBytes: 64, MaxAttachments: 2}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw, lim)
		if err != nil {
			return // kept as rejected, the position moves on
		}
		again, err := Parse(raw, lim)
		if err != nil || !reflect.DeepEqual(m, again) {
			t.Fatalf("parsing the same bytes twice differs: %v\n%+v\n%+v", err, m, again)
		}
		if !hashRe.MatchString(m.Hash) || m.ExternalID() == "" {
			t.Errorf("hash %q, id %q", m.Hash, m.ExternalID())
		}
		if m.From != strings.ToLower(m.From) {
			t.Errorf("From %q is not lower-cased", m.From)
		}
		if len(m.Attachments) > lim.MaxAttachments {
			t.Errorf("%d attachments, limit %d", len(m.Attachments), lim.MaxAttachments)
		}
		for _, a := range m.Attachments {
			if int64(len(a.Data)) > lim.MaxAttachmentBytes || a.Name == "" || a.ContentType == "" {
				t.Errorf("attachment %q (%s) of %d bytes, limit %d", a.Name, a.ContentType, len(a.Data), lim.MaxAttachmentBytes)
			}
		}
		if strings.Contains(m.Text, "\r") || strings.Contains(m.FullText, "\r") {
			t.Errorf("text keeps carriage returns: %q", m.Text)
		}
		if !strings.Contains(string(raw), "\r\n\r\n") || !headerLineRe.Match(raw) {
			return // not a mail an MTA would add a trace header to
		}
		traced := append([]byte("Received: by mx.kefu.test; Thu, 1 Jan 2026 00:00:00 +0000\r\n"), raw...)
		tm, err := Parse(traced, lim)
		if err != nil || tm.ExternalID() != m.ExternalID() || tm.Hash != m.Hash {
			t.Errorf("with a trace header: id %q hash %q (%v), without: id %q hash %q", tm.ExternalID(), tm.Hash, err, m.ExternalID(), m.Hash)
		}
	})
}
