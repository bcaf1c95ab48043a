package cases

import (
	"fmt"
	"strconv"
)

// Departments lists every department in the order of SPEC §4.
var Departments = []Department{DeptTechnicalSupport, DeptLogistics, DeptQualityControl, DeptCustomerService}

// Valid reports whether d is a known department.
func (d Department) Valid() bool {
	for _, x := range Departments {
		if x == d {
			return true
		}
	}
	return false
}

// Role is what a staff user may do (SPEC §1).
type Role string

const (
	RoleSpecialist Role = "specialist" // 客服专员: sees every case, answers consultations, takes over conversations
	RoleSupervisor Role = "supervisor" // 客服主管: sees every case, overrides classification, heads customer service
	RoleHandler    Role = "handler"    // department engineer: works the cases of their own department
	RoleHead       Role = "head"       // 部门负责人: a handler who also approves the department's P1 plans
	RoleAdmin      Role = "admin"      // everything

	// RoleSystem and RoleCustomer are never stored as users and hold no
	// token: the bot, the timers and the customer act through them so that
	// every lifecycle step goes through the same permission check.
	RoleSystem   Role = "system"
	RoleCustomer Role = "customer"
)

// StaffRoles lists the roles a stored user may have.
var StaffRoles = []Role{RoleSpecialist, RoleSupervisor, RoleHandler, RoleHead, RoleAdmin}

// Valid reports whether r is a role a stored user may have.
func (r Role) Valid() bool {
	for _, x := range StaffRoles {
		if x == r {
			return true
		}
	}
	return false
}

// User is a member of staff, or one of the automatic actors below.
type User struct {
	ID         int64
	Name       string
	Role       Role
	Department Department // required for handlers and heads; customer-service roles may leave it empty
}

// The automatic actors. Their Actor strings match the ones the intake
// already writes into the history ("bot", "system", "customer").
var (
	Bot      = User{Name: "bot", Role: RoleSystem}
	System   = User{Name: "system", Role: RoleSystem}
	Customer = User{Name: "customer", Role: RoleCustomer}
)

// Actor is the Change.Actor of the user's writes.
func (u User) Actor() string {
	if u.Role == RoleSystem || u.Role == RoleCustomer {
		return u.Name
	}
	return "user:" + strconv.FormatInt(u.ID, 10)
}

// Validate names the first problem of a user about to be stored.
func (u User) Validate() error {
	switch {
	case u.Name == "":
		return Errorf(EInvalid, "user.name: required")
	case !u.Role.Valid():
		return Errorf(EInvalid, fmt.Sprintf("user.role: %q is not one of specialist, supervisor, handler, head, admin", u.Role))
	case (u.Role == RoleHandler || u.Role == RoleHead) && !u.Department.Valid():
		return Errorf(EInvalid, fmt.Sprintf("user.department: a %s needs one of technical_support, logistics, quality_control, customer_service (got %q)", u.Role, u.Department))
	case u.Department != "" && !u.Department.Valid():
		return Errorf(EInvalid, fmt.Sprintf("user.department: %q is not a department", u.Department))
	}
	return nil
}

// Action is something a user may ask to do with a case.
type Action string

const (
	ActionRead       Action = "read"        // see the case, its history and conversation
	ActionNote       Action = "note"        // add a progress note
	ActionPlan       Action = "plan"        // write the plan, start work on it
	ActionChangePlan Action = "change_plan" // plan change (异常处理)
	ActionApprove    Action = "approve"     // approve or reject a P1 plan
	ActionResolve    Action = "resolve"
	ActionReopen     Action = "reopen"
	ActionClose      Action = "close"
	ActionOverride   Action = "override" // category, priority, department
	ActionTakeover   Action = "takeover" // answer the customer as an agent
	ActionRegister   Action = "register" // register a case for a caller (hotline, dealer, walk-in)
	ActionCallback   Action = "callback" // list, claim and complete phone callbacks and follow-ups (SPEC §6, §8)
	ActionAssign     Action = "assign"   // give the case to one person of its department (SPEC §4)
	// ActionMergeCustomers merges two customer records into one, or undoes
	// a merge (the customer archive, SPEC §9); asked with a nil case.
	ActionMergeCustomers Action = "customer_merge"

	// Complaints (SPEC §1, §7): supervisors handle them; specialists also
	// receive them (the hotline), the customer opens them in the
	// conversation, and the head of the department responsible for a
	// complaint investigates it (checked against that department, see
	// Case.canComplaint).
	ActionOpenComplaint        Action = "complaint_open"
	ActionHandleComplaint      Action = "complaint"             // judge, propose plans, record acceptance, summarize, follow up
	ActionInvestigateComplaint Action = "complaint_investigate" // cause and responsible party
	ActionChooseComplaintPlan  Action = "complaint_choose"      // pick one of the proposed plans

	// ActionReport reads the supervisor reports (SPEC §9): supervisors over
	// every department, a head over their own; asked with a nil case.
	ActionReport Action = "report"
)

// Actions lists every action, for tables and the API's documentation.
var Actions = []Action{ActionRead, ActionNote, ActionPlan, ActionChangePlan, ActionApprove, ActionResolve, ActionReopen, ActionClose, ActionOverride, ActionTakeover, ActionCallback, ActionAssign, ActionMergeCustomers,
	ActionOpenComplaint, ActionHandleComplaint, ActionInvestigateComplaint, ActionChooseComplaintPlan, ActionReport}

// scope says on which cases a role may do an action.
type scope int

const (
	none scope = iota
	own        // cases of the user's department (customer service for specialists and supervisors)
	all
)

// permissions is the role × action matrix. "own" is what keeps a logistics
// handler out of a technical case; customer-service staff see everything
// because they answer the customer about any case, but they plan and resolve
// only consultations (SPEC §4: answered directly, no transfer). The supervisor
// heads customer service, so it approves that department's P1 plans.
var permissions = map[Role]map[Action]scope{
	RoleSpecialist: {
		ActionRead: all, ActionNote: all, ActionReopen: all, ActionTakeover: all, ActionCallback: all, ActionRegister: all,
		ActionMergeCustomers: all, ActionPlan: own, ActionChangePlan: own, ActionResolve: own,
		ActionOpenComplaint: all,
	},
	RoleSupervisor: {
		ActionRead: all, ActionNote: all, ActionReopen: all, ActionTakeover: all, ActionClose: all, ActionOverride: all, ActionRegister: all,
		ActionMergeCustomers: all,
		ActionCallback:       all, ActionPlan: own, ActionChangePlan: own, ActionResolve: own, ActionApprove: own, ActionAssign: own,
		ActionOpenComplaint: all, ActionHandleComplaint: all, ActionInvestigateComplaint: all, ActionChooseComplaintPlan: all,
		ActionReport: all,
	},
	RoleHandler: {
		ActionRead: own, ActionNote: own, ActionPlan: own, ActionChangePlan: own, ActionResolve: own, ActionReopen: own,
	},
	RoleHead: {
		ActionRead: own, ActionNote: own, ActionPlan: own, ActionChangePlan: own, ActionResolve: own, ActionReopen: own,
		ActionApprove: own, ActionClose: own, ActionAssign: own,
		ActionInvestigateComplaint: own, ActionReport: own,
	},
	// The customer reopens by failing the function check; what they write
	// reaches the case as notes through the bot.
	RoleCustomer: {ActionReopen: all, ActionNote: all, ActionOpenComplaint: all},
}

// department is the department whose cases count as the user's own.
func (u User) department() Department {
	if u.Role == RoleSpecialist || u.Role == RoleSupervisor {
		return DeptCustomerService
	}
	return u.Department
}

// ReadScope is the one department whose cases u may read, and true, when
// u is so restricted (a handler or head reads their department's cases;
// specialists and supervisors customer service's); false when u reads all
// or none. Lists filter on it in the query, not after a LIMIT.
func (u User) ReadScope() (Department, bool) {
	if u.Role == RoleAdmin || u.Role == RoleSystem || permissions[u.Role][ActionRead] != own {
		return "", false
	}
	return u.department(), true
}

// Can returns nil when u may do action on c, an EUnauthorized error for a
// missing user, and an EForbidden error naming the user, role and case
// otherwise. A nil c asks whether the role may do the action on any case
// (e.g. whether to show the approvals queue at all).
func (u User) Can(action Action, c *Case) error {
	if u.Role == "" || (u.ID == 0 && u.Role != RoleSystem && u.Role != RoleCustomer) {
		return Errorf(EUnauthorized, "no authenticated user")
	}
	if u.Role == RoleAdmin || u.Role == RoleSystem {
		return nil
	}
	s := permissions[u.Role][action]
	if s == all || (s == own && c == nil) {
		return nil
	}
	if s == own && u.department() != "" && c.Department == u.department() {
		return nil
	}
	who := fmt.Sprintf("%s (%s", u.Actor(), u.Role)
	if d := u.department(); d != "" && u.Role != RoleCustomer {
		who += ", " + string(d)
	}
	who += ")"
	if c == nil || s == none {
		return Errorf(EForbidden, fmt.Sprintf("%s may not %s cases", who, action))
	}
	return Errorf(EForbidden, fmt.Sprintf("%s may not %s case %s of %s", who, action, c.Number, c.Department))
}
