package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels/telegram"
)

// document is a file sent as a document (update_document.json) under the
// file name the customer's app gives.
func (e *tgEnv) document(c tgCustomer, name string) tgUpdate {
	m := tgDecode(e.tb, tgReadTestdata(e.tb, "update_document.json"))
	u := tgUpdate{ID: e.api.updateID(), MessageID: e.api.messageID()}
	tgSet(m, "update_id", u.ID)
	tgSet(m, "message.message_id", u.MessageID)
	tgSet(m, "message.date", e.clock.Now().Unix())
	tgSet(m, "message.document.file_name", name)
	c.personal(m, "message")
	u.Raw, _ = json.Marshal(m)
	return u
}

// TestConsoleEscapesNamesAndFileNames: what a channel hands over besides
// the message text — the customer's profile name and the names of the
// files they send — is shown as text everywhere the console shows it (the
// conversation, the case, the customer record and a search), and none of
// it runs as script in Chromium.
func TestConsoleEscapesNamesAndFileNames(t *testing.T) {
	t.Parallel()
	e := startTelegram(t, filepath.Join(t.TempDir(), "kefu.db"), telegram.Polling)
	staffUser(t, e.m, "王芳", "wangfang", cases.RoleSpecialist, "")
	probe := tgCustomer{chat: 5123456801, first: xssProbe, last: `'"><iframe srcdoc="<script>parent.__xss=4</script>">`, handle: "probe_user"}
	fileName := `"><img src=y onerror="window.__xss=5">发票<b>.pdf`

	cs, _, _ := tgIntake(t, e, probe)
	e.deliver(t, e.document(probe, fileName))
	e.waitHistory(t, cs.ID, "the file on the case", func(apiChange) bool { return true })
	e.quiet(t)

	ctx := browser(t)
	signIn(t, ctx, e.base, "wangfang")
	noScript := func(where string) {
		t.Helper()
		if x := get(t, ctx, "no script ran on "+where, chromedp.Evaluate[string](`String(window.__xss)`)); x != "undefined" {
			t.Errorf("%s: a name ran as script: window.__xss = %s", where, x)
		}
		if n := get(t, ctx, "no element injected on "+where, chromedp.Evaluate[int](`document.querySelectorAll('main [onerror], main [onload], main iframe, main script').length`)); n != 0 {
			t.Errorf("%s: %d elements from a customer's name or file name became HTML", where, n)
		}
	}

	browse(t, ctx, "the conversation",
		chromedp.Navigate(fmt.Sprintf("%s/console/conversations/%d", e.base, cs.ConversationID)),
		chromedp.WaitVisible(chromedp.CSS("#conv-head")),
		chromedp.WaitVisible(chromedp.Search(`//p[@class="files"]`)),
	)
	noScript("the conversation")
	head := get(t, ctx, "conversation heading", chromedp.Text(chromedp.CSS("#conv-head h1")))
	if !strings.Contains(head, "张三") || !strings.Contains(head, `<img src=x onerror=`) {
		t.Errorf("the heading does not show the typed name and the profile name as text: %q", head)
	}
	files := get(t, ctx, "file names", chromedp.Evaluate[string](`[...document.querySelectorAll('.files a, .files img, .files span')].map(n => n.textContent || n.getAttribute('alt') || n.getAttribute('download')).join('|')`))
	if !strings.Contains(files, fileName) {
		t.Errorf("the file name is not shown as sent: %q", files)
	}

	browse(t, ctx, "the case",
		chromedp.Navigate(fmt.Sprintf("%s/console/cases/%d", e.base, cs.ID)),
		chromedp.WaitVisible(chromedp.CSS("#attachments")),
	)
	noScript("the case")
	if got := get(t, ctx, "case files", chromedp.Evaluate[string](`[...document.querySelectorAll('#attachments a, #attachments img')].map(n => n.textContent + (n.getAttribute('alt') || '') + (n.getAttribute('download') || '')).join('|')`)); !strings.Contains(got, fileName) {
		t.Errorf("the case's file list does not show the name as sent: %q", got)
	}

	browse(t, ctx, "the customer record",
		chromedp.Click(chromedp.CSS("#customer-link")),
		chromedp.WaitVisible(chromedp.CSS("#customer-name")),
	)
	noScript("the customer record")
	if name := get(t, ctx, "customer name", chromedp.Text(chromedp.CSS("#customer-name"))); !strings.Contains(name, `<img src=x onerror=`) && !strings.Contains(name, "张三") {
		t.Errorf("the customer record's name: %q", name)
	}

	browse(t, ctx, "a search by the profile name",
		chromedp.Navigate(e.base+"/console/search?q="+url.QueryEscape("iframe srcdoc")),
		chromedp.WaitVisible(chromedp.CSS("main")),
	)
	noScript("the search")
}
