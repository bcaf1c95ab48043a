package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/service"
)

// testConsoleArchive: the same customer in two web chat sessions, both
// confirming the same phone, is one customer page with both
// conversations and cases; a hotline caller with another number is
// merged in from the console and the merge undone; the search page finds
// the customer by name and a case by its model.
func testConsoleArchive(t *testing.T, dbURL string) {
	m := startMain(t, dbURL)
	defer m.Close()
	base := "http://" + m.Addr()
	ctx := context.Background()
	spec := staffUser(t, m, "王芳", "wangfang", cases.RoleSpecialist, "")

	var numbers []string
	for i, session := range []string{"console-archive-0001", "console-archive-0002"} {
		c := &chat{t: t, base: base, session: session, n: 100 * i} // message ids are unique per channel
		c.post("我叫张三，电话13812345678，XQG100洗衣机不脱水了，上个月买的，想上门维修")
		_, after := c.waitReply(0, field("confirm"))
		c.post("确认")
		got, _ := c.waitReply(after, func(m channels.StoredMessage) bool { return strings.Contains(m.Text, "K-") })
		numbers = append(numbers, got.Text)
	}
	caller, err := m.Service().Team().CaseCreate(ctx, spec, service.NewCaseParams{Source: "hotline", Category: cases.CategoryTechnical, Priority: cases.P3,
		Fields: map[cases.FieldKey]string{cases.FieldCustomerName: "张三", cases.FieldPhone: "13900002222", cases.FieldProductModel: "KFR-35GW", cases.FieldSymptom: "空调不制冷"}})
	if err != nil {
		t.Fatal(err)
	}

	b := browser(t)
	signIn(t, b, base, "wangfang")
	browse(t, b, "the second chat's case", chromedp.Navigate(base+"/console/cases/2"))
	clickUntil(t, b, "from the case to the customer page", "#customer-link", "#customer-conversations")
	convs := get(t, b, "count the conversations", chromedp.Evaluate[int](`document.querySelectorAll("#customer-conversations tr.conv-row").length`))
	list := get(t, b, "read the cases", chromedp.Text(chromedp.CSS("#customer-cases")))
	if convs != 2 || !strings.Contains(list, "K-000001") || !strings.Contains(list, "K-000002") || strings.Contains(list, caller.Number) {
		t.Fatalf("customer page after two chats (%q): %d conversations, cases:\n%s", numbers, convs, list)
	}
	custURL := get(t, b, "location", chromedp.Evaluate[string](`location.pathname`))

	// The caller on another number is the same person: merged by hand.
	browse(t, b, "merge the hotline caller in",
		chromedp.SendKeys(chromedp.CSS("#merge-from"), fmt.Sprint(caller.CustomerID)),
		chromedp.SendKeys(chromedp.CSS("#merge-reason"), "同一个人，用公司电话打的热线"),
		chromedp.Click(chromedp.CSS("#submit-merge")),
		chromedp.WaitVisible(chromedp.Search(`//div[@id="customer-cases"]//a[contains(., "`+caller.Number+`")]`)),
	)
	merges := get(t, b, "read the merges", chromedp.Text(chromedp.CSS("#merges")))
	if !strings.Contains(merges, "同一个人，用公司电话打的热线") || !strings.Contains(merges, "王芳") {
		t.Errorf("the merge record does not say who and why:\n%s", merges)
	}
	mergeID := get(t, b, "the manual merge", chromedp.Evaluate[string](`document.querySelector("#merges li.merge form.undo").closest("li").dataset.id`))
	browse(t, b, "undo the merge",
		chromedp.Click(chromedp.CSS("#undo-"+mergeID)),
		chromedp.WaitVisible(chromedp.Search(`//li[@data-id="`+mergeID+`"]//small[contains(@class, "undone")]`)),
	)
	if list := get(t, b, "read the cases", chromedp.Text(chromedp.CSS("#customer-cases"))); strings.Contains(list, caller.Number) {
		t.Errorf("after the undo the caller's case is still here:\n%s", list)
	}
	if c, err := m.Service().Team().CaseGet(ctx, spec, caller.ID); err != nil || c.Case.CustomerID != caller.CustomerID {
		t.Errorf("after the undo: %v, customer %d, want %d", err, c.Case.CustomerID, caller.CustomerID)
	}

	// The brand's sales records join the archive by the verified phone:
	// the purchase and the care it plans show on the customer page.
	res, err := m.Service().ImportCustomers(ctx, []service.CustomerImport{{Name: "张三", Phone: "138 1234 5678", Product: "空调" + xssProbe, Model: "KFR-72LW",
		Bought: time.Now().AddDate(0, 0, -2), Member: true}})
	if err != nil || res.Matched != 1 || res.Touchpoints == 0 {
		t.Fatalf("import onto the chat customer: %+v %v", res, err)
	}
	browse(t, b, "the customer page with care", chromedp.Navigate(base+custURL), chromedp.WaitVisible(chromedp.CSS("#purchases")))
	care := get(t, b, "read care", chromedp.Text(chromedp.CSS("#care")))
	bought := get(t, b, "read purchases", chromedp.Text(chromedp.CSS("#purchases")))
	planned := get(t, b, "count planned touchpoints", chromedp.Evaluate[int](`document.querySelectorAll("#touchpoints tr.touchpoint[data-status=planned]").length`))
	member := (strings.Contains(care, "会员") || strings.Contains(care, "Member")) && !strings.Contains(care, "非会员") && !strings.Contains(care, "Not a member")
	if !member || !strings.Contains(care, "13812345678") || !strings.Contains(bought, "KFR-72LW") || planned != res.Touchpoints {
		t.Errorf("care on the customer page: %q, purchases %q, %d planned touchpoints, want %d", care, bought, planned, res.Touchpoints)
	}
	// What an import brought is text on the page, never markup.
	if xss := get(t, b, "imported text stays text", chromedp.Evaluate[string](`String(window.__xss)`)); xss != "undefined" || !strings.Contains(bought, `<img src=x onerror=`) {
		t.Errorf("the imported product ran as script (window.__xss = %s) or was not shown as written: %q", xss, bought)
	}

	// The search page finds the customer by name and a case by its model.
	browse(t, b, "search by name",
		chromedp.Navigate(base+"/console/search?q=张三"),
		chromedp.WaitVisible(chromedp.CSS("#customers")),
	)
	if href := get(t, b, "customer links", chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#customers a")).map(a => a.pathname).join(" ")`)); !strings.Contains(href, custURL) {
		t.Errorf("search by name: customers %q, want %s", href, custURL)
	}
	browse(t, b, "search by model",
		chromedp.Navigate(base+"/console/search?q=kfr-35"),
		chromedp.WaitVisible(chromedp.Search(`//table[contains(@class, "list")]//a[contains(., "`+caller.Number+`")]`)),
	)
}

func TestConsoleArchiveOnSQLite(t *testing.T) {
	t.Parallel()
	testConsoleArchive(t, filepath.Join(t.TempDir(), "kefu.db"))
}

func TestConsoleArchiveOnPostgres(t *testing.T) {
	t.Parallel()
	testConsoleArchive(t, testPostgres(t))
}
