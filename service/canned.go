package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/dialog"
)

// CannedReply is a ready answer an agent inserts into a reply (快捷回复):
// configured per language and department (configs/canned.yaml, the
// console.canned_file key), never sent by itself; the agent reads and
// edits it before sending.
type CannedReply struct {
	Key   string
	Lang  string // a dialog language: zh-CN, zh-TW, en
	Title string // what the picker shows
	Text  string
	// Departments whose staff are offered it; empty = everyone.
	Departments []cases.Department
}

// CannedReplies lists the replies in lang ("" = every language) offered
// to dept; an empty dept is the viewer's own department (customer
// service for specialists and supervisors; every reply for a user of no
// department, e.g. an admin). Order is the file's.
func (s *Team) CannedReplies(ctx context.Context, u cases.User, lang string, dept cases.Department) ([]CannedReply, error) {
	if err := u.Can(cases.ActionRead, nil); err != nil {
		return nil, err
	}
	if lang != "" && !slices.Contains(dialog.Languages, lang) {
		return nil, cases.Errorf(cases.EInvalid, fmt.Sprintf("lang: %q is not one of %v", lang, dialog.Languages))
	}
	if dept != "" && !dept.Valid() {
		return nil, cases.Errorf(cases.EInvalid, fmt.Sprintf("department: %q is not one of %v", dept, cases.Departments))
	}
	if dept == "" {
		dept = staffDepartment(u)
	}
	out := []CannedReply{}
	for _, r := range s.opt.Canned {
		if lang != "" && r.Lang != lang {
			continue
		}
		if dept != "" && len(r.Departments) > 0 && !slices.Contains(r.Departments, dept) {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// staffDepartment is the department a user works for: customer service
// for the roles that answer customers, else their own ("" for admins).
func staffDepartment(u cases.User) cases.Department {
	if u.Role == cases.RoleSpecialist || u.Role == cases.RoleSupervisor {
		return cases.DeptCustomerService
	}
	return u.Department
}
