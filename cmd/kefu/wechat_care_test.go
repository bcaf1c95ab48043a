package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kefu-dev/kefu/channels/wechat"
	"github.com/kefu-dev/kefu/service"
)

const wxTemplateCare = "TPL_E2E_CARE"

// TestWeChatCareByTemplate: an imported customer who never wrote to the
// Official Account has no open window; the week follow-up of their
// purchase goes out as the configured template message, with the
// message's first line, and only once.
func TestWeChatCareByTemplate(t *testing.T) {
	t.Parallel()
	dbPath := filepath.Join(t.TempDir(), "kefu.db")
	e := startWeChat(t, wxEnvOpts{dbURL: dbPath, templates: map[string]wechat.Template{
		"care": {TemplateID: wxTemplateCare, Fields: map[string]string{"thing1": "{{truncate 20 .Note}}", "time2": "{{.Time}}"}},
	}})
	ctx := context.Background()
	const openID = "oE2E_care_import_0001"
	res, err := e.m.Service().ImportCustomers(ctx, []service.CustomerImport{{Name: "赵磊", WeChat: openID, Product: "空调", Model: "KFR-35GW",
		Bought: e.m.Now().AddDate(0, 0, -5), Language: "zh-CN"}})
	if err != nil || res.Touchpoints == 0 {
		t.Fatalf("import: %+v %v", res, err)
	}
	var week service.TimerArgs
	for _, a := range wxPendingTimers(t, dbPath) {
		if a.Name == service.TimerCare && (week.Due.IsZero() || a.Due.Before(week.Due)) {
			week = a
		}
	}
	if week.Due.IsZero() {
		t.Fatal("no care timer pending after the import")
	}
	e.clock.Jump(week.Due.Sub(e.m.Now()) + time.Minute)
	if err := e.m.Service().HandleTimer(ctx, week); err != nil {
		t.Fatal(err)
	}
	wxSettle(t, e)
	if err := e.m.Service().HandleTimer(ctx, week); err != nil { // River ran it twice: nothing more
		t.Fatal(err)
	}
	wxSettle(t, e)
	tpl := e.api.callsTo(wxPathTemplate)
	if len(tpl) != 1 || tpl[0].Body["template_id"] != wxTemplateCare || tpl[0].Body["touser"] != openID {
		t.Fatalf("template messages: %+v; want the week follow-up once", tpl)
	}
	data, _ := tpl[0].Body["data"].(map[string]any)
	v, _ := data["thing1"].(map[string]any)
	if s, _ := v["value"].(string); !strings.Contains(s, "感谢您") {
		t.Errorf("the template lost the message: %v", data)
	}
	for _, c := range e.api.callsTo(wxPathCustom) {
		if c.Body["touser"] == openID {
			t.Errorf("a customer-service message to a customer without a window: %v", c.Body)
		}
	}
}
