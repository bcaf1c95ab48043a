package cases

import (
	"fmt"
	"strings"
	"time"
)

// HistAssignee records who the one responsible person became: From and To
// are actors ("user:7"), either empty when the department as a whole had
// or has the case.
const HistAssignee = "assignee"

// Assign makes to the one person responsible for the case (SPEC §4, 责任到
// 人). The head of the case's department (the supervisor for customer
// service's cases) assigns and reassigns; a handler may take an unassigned
// case of their department themselves. to must work in the case's
// department: a handler or head there, or a specialist or supervisor for
// customer service's cases. to.ID 0 hands the case back to the department.
func (c *Case) Assign(u, to User, reason string, now time.Time) ([]Change, error) {
	if !c.State.Open() {
		return nil, c.conflict("a %s case is not assigned", c.State)
	}
	take := to.ID != 0 && to.ID == u.ID && c.Assignee == 0
	if err := u.Can(ActionAssign, c); err != nil {
		if !take {
			return nil, err
		}
		if err := u.Can(ActionPlan, c); err != nil {
			return nil, err
		}
	}
	if to.ID != 0 && !worksIn(to, c.Department) {
		return nil, Errorf(EInvalid, fmt.Sprintf("assign.user_id: %s (%s) does not work in %s", to.Actor(), to.Role, c.Department))
	}
	if c.Assignee == to.ID {
		return nil, nil
	}
	h := c.entry(u, now, HistAssignee)
	h.Field, h.Reason = "assignee", strings.TrimSpace(reason)
	if c.Assignee != 0 {
		h.From = User{ID: c.Assignee, Role: RoleHandler}.Actor()
	}
	if to.ID != 0 {
		h.To = to.Actor()
	}
	c.Assignee = to.ID
	return []Change{h}, nil
}

// worksIn tells whether a user can be responsible for cases of dept.
func worksIn(u User, dept Department) bool {
	switch u.Role {
	case RoleHandler, RoleHead:
		return u.Department == dept
	case RoleSpecialist, RoleSupervisor:
		return dept == DeptCustomerService
	case RoleAdmin:
		return true
	}
	return false
}
