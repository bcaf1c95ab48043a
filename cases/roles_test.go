package cases_test

import (
	"strings"
	"testing"

	"github.com/kefu-dev/kefu/cases"
)

var (
	specialist  = cases.User{ID: 1, Name: "小王", Role: cases.RoleSpecialist, Department: cases.DeptCustomerService}
	supervisor  = cases.User{ID: 2, Name: "李主管", Role: cases.RoleSupervisor}
	techHandler = cases.User{ID: 3, Name: "张工", Role: cases.RoleHandler, Department: cases.DeptTechnicalSupport}
	techHead    = cases.User{ID: 4, Name: "赵经理", Role: cases.RoleHead, Department: cases.DeptTechnicalSupport}
	logHandler  = cases.User{ID: 5, Name: "刘工", Role: cases.RoleHandler, Department: cases.DeptLogistics}
	logHead     = cases.User{ID: 6, Name: "陈经理", Role: cases.RoleHead, Department: cases.DeptLogistics}
	admin       = cases.User{ID: 7, Name: "admin", Role: cases.RoleAdmin}
)

func TestCan(t *testing.T) {
	t.Parallel()
	technical := &cases.Case{Number: "K-000001", Category: cases.CategoryTechnical, Department: cases.DeptTechnicalSupport, Priority: cases.P1}
	consult := &cases.Case{Number: "K-000002", Category: cases.CategoryConsultation, Department: cases.DeptCustomerService, Priority: cases.P3}
	tests := []struct {
		name   string
		user   cases.User
		action cases.Action
		c      *cases.Case
		want   string // error code, "" for allowed
	}{
		{"logistics handler cannot read a technical case", logHandler, cases.ActionRead, technical, cases.EForbidden},
		{"logistics handler cannot note a technical case", logHandler, cases.ActionNote, technical, cases.EForbidden},
		{"logistics handler cannot resolve a technical case", logHandler, cases.ActionResolve, technical, cases.EForbidden},
		{"technical handler reads own case", techHandler, cases.ActionRead, technical, ""},
		{"technical handler writes the plan", techHandler, cases.ActionPlan, technical, ""},
		{"technical handler changes the plan", techHandler, cases.ActionChangePlan, technical, ""},
		{"handler cannot approve even in own department", techHandler, cases.ActionApprove, technical, cases.EForbidden},
		{"handler cannot override", techHandler, cases.ActionOverride, technical, cases.EForbidden},
		{"handler cannot close", techHandler, cases.ActionClose, technical, cases.EForbidden},
		{"technical head approves own department's P1 plan", techHead, cases.ActionApprove, technical, ""},
		{"logistics head cannot approve a technical plan", logHead, cases.ActionApprove, technical, cases.EForbidden},
		{"logistics head cannot even read a technical case", logHead, cases.ActionRead, technical, cases.EForbidden},
		{"specialist reads any case", specialist, cases.ActionRead, technical, ""},
		{"specialist notes any case", specialist, cases.ActionNote, technical, ""},
		{"specialist takes over any conversation", specialist, cases.ActionTakeover, technical, ""},
		{"specialist does not plan a technical case", specialist, cases.ActionPlan, technical, cases.EForbidden},
		{"specialist answers a consultation", specialist, cases.ActionPlan, consult, ""},
		{"specialist resolves a consultation", specialist, cases.ActionResolve, consult, ""},
		{"specialist cannot override", specialist, cases.ActionOverride, technical, cases.EForbidden},
		{"supervisor reads any case", supervisor, cases.ActionRead, technical, ""},
		{"supervisor overrides any case", supervisor, cases.ActionOverride, technical, ""},
		{"supervisor closes any case", supervisor, cases.ActionClose, technical, ""},
		{"supervisor does not approve a technical plan", supervisor, cases.ActionApprove, technical, cases.EForbidden},
		{"supervisor approves a customer-service plan", supervisor, cases.ActionApprove, consult, ""},
		{"technical handler cannot read a consultation", techHandler, cases.ActionRead, consult, cases.EForbidden},
		{"admin approves anything", admin, cases.ActionApprove, technical, ""},
		{"admin overrides anything", admin, cases.ActionOverride, consult, ""},
		{"bot closes", cases.Bot, cases.ActionClose, technical, ""},
		{"customer reopens after a failed function check", cases.Customer, cases.ActionReopen, technical, ""},
		{"customer cannot resolve", cases.Customer, cases.ActionResolve, technical, cases.EForbidden},
		{"customer cannot read through staff API", cases.Customer, cases.ActionRead, technical, cases.EForbidden},
		{"no user", cases.User{}, cases.ActionRead, technical, cases.EUnauthorized},
		{"user without id", cases.User{Role: cases.RoleAdmin}, cases.ActionRead, technical, cases.EUnauthorized},
		{"handler may approve nowhere: queue hidden", techHandler, cases.ActionApprove, nil, cases.EForbidden},
		{"head sees an approvals queue", techHead, cases.ActionApprove, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.user.Can(tc.action, tc.c)
			if got := cases.ErrorCode(err); got != tc.want {
				t.Fatalf("Can(%s) = %v (code %q), want code %q", tc.action, err, got, tc.want)
			}
		})
	}
}

func TestForbiddenMessageNamesWhoAndWhat(t *testing.T) {
	t.Parallel()
	c := &cases.Case{Number: "K-000042", Department: cases.DeptTechnicalSupport}
	err := logHandler.Can(cases.ActionRead, c)
	for _, want := range []string{"user:5", "handler", "logistics", "read", "K-000042", "technical_support"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %q", err, want)
		}
	}
}

func TestUserValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		u    cases.User
		want string // substring of the error, "" for valid
	}{
		{techHandler, ""},
		{supervisor, ""},
		{cases.User{Name: "x", Role: cases.RoleHandler}, "user.department"},
		{cases.User{Name: "x", Role: cases.RoleHead, Department: "sales"}, "user.department"},
		{cases.User{Name: "x", Role: "boss"}, "user.role"},
		{cases.User{Name: "x", Role: cases.RoleSystem}, "user.role"}, // the bot is not a stored user
		{cases.User{Role: cases.RoleAdmin}, "user.name"},
	}
	for _, tc := range tests {
		err := tc.u.Validate()
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.u, err, tc.want)
		}
	}
}

func TestActorMatchesHistory(t *testing.T) {
	t.Parallel()
	for u, want := range map[cases.User]string{techHandler: "user:3", cases.Bot: "bot", cases.System: "system", cases.Customer: "customer"} {
		if got := u.Actor(); got != want {
			t.Errorf("%s: actor %q, want %q", u.Name, got, want)
		}
	}
}
