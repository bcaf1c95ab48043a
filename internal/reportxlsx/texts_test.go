package reportxlsx

import (
	"testing"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/dialog"
)

// Every value the report shows has a name in every language, so no
// reader meets a raw key.
func TestEveryValueHasAName(t *testing.T) {
	t.Parallel()
	want := []string{"case.number", "field.symptom", "sat.score", "mail.subject", "mail.body"}
	for _, c := range cases.Categories {
		want = append(want, "category."+string(c))
	}
	for _, d := range cases.Departments {
		want = append(want, "dept."+string(d))
	}
	for _, p := range []cases.Priority{cases.P1, cases.P2, cases.P3} {
		want = append(want, "priority."+string(p))
	}
	for _, s := range []cases.State{cases.StateRegistered, cases.StateAssigned, cases.StatePendingApproval, cases.StatePlanned,
		cases.StateInProgress, cases.StateResolved, cases.StateClosed} {
		want = append(want, "state."+string(s))
	}
	for _, k := range cases.AllFields {
		want = append(want, "field."+string(k))
	}
	for _, k := range append(ClockNames, cases.ClockSurvey) {
		want = append(want, "clock."+string(k))
	}
	for _, s := range []cases.ClockStatus{cases.ClockMet, cases.ClockMissed, cases.ClockPending} {
		want = append(want, "status."+string(s))
	}
	for _, d := range dialog.SurveyDimensions {
		want = append(want, "dim."+string(d))
	}
	want = append(want, "class.")
	for _, k := range cases.ComplaintClasses {
		want = append(want, "class."+string(k))
	}
	for _, s := range []cases.ComplaintStage{cases.ComplaintReceived, cases.ComplaintInvestigating, cases.ComplaintPlanning,
		cases.ComplaintProposed, cases.ComplaintCarryingOut, cases.ComplaintSummarizing, cases.ComplaintFollowUp, cases.ComplaintClosed} {
		want = append(want, "stage."+string(s))
	}
	for _, s := range []cases.ComplaintSource{cases.ComplaintFromSurvey, cases.ComplaintFromCustomer, cases.ComplaintFromStaff} {
		want = append(want, "csource."+string(s))
	}
	for _, r := range []string{"customer_request", "too_many_attempts", "registration_overdue"} {
		want = append(want, "reason."+r)
	}
	for _, l := range Languages {
		tx, err := TextsFor(l)
		if err != nil {
			t.Fatal(err)
		}
		if tx.Lang() != l {
			t.Errorf("TextsFor(%s) is %s", l, tx.Lang())
		}
		for _, k := range want {
			if !tx.Has(k) {
				t.Errorf("%s: no text for %q", l, k)
			}
		}
	}
	if d, _ := TextsFor("fr"); d.Lang() != "zh-CN" {
		t.Errorf("an unknown language gets %s, want zh-CN", d.Lang())
	}
}

func TestLang(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"en-US,en;q=0.9": "en", "zh-TW": "zh-TW", "zh-Hant-HK": "zh-TW", "zh-HK": "zh-TW", "zh-CN,zh;q=0.9": "zh-CN",
		"zh": "zh-CN", "fr-FR, en;q=0.5": "en", "fr": "", "": "",
	} {
		if got := Lang(in); got != want {
			t.Errorf("Lang(%q) = %q, want %q", in, got, want)
		}
	}
}
