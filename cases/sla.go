package cases

import (
	"fmt"
	"time"
)

// SLAPolicy holds the configured deadlines of SPEC §2–§5.
type SLAPolicy struct {
	FirstResponse  time.Duration              `yaml:"first_response"`
	Registration   time.Duration              `yaml:"registration"`
	Classification time.Duration              `yaml:"classification"`
	StartBy        map[Priority]time.Duration `yaml:"start_by"`
	UpdateEvery    map[Priority]time.Duration `yaml:"update_every"`
	PlanWithin     time.Duration              `yaml:"plan_within"`
	ResolveNotice  time.Duration              `yaml:"resolve_notice"`
	// HandoffWait is how long a conversation may wait for an agent before
	// the supervisor is told; 0 = FirstResponse (SPEC §2: a person
	// answers within the first-response time).
	HandoffWait time.Duration `yaml:"handoff_wait"`
}

// WaitForAgent is the take-over deadline of a conversation handed to a
// person.
func (p SLAPolicy) WaitForAgent() time.Duration {
	if p.HandoffWait > 0 {
		return p.HandoffWait
	}
	return p.FirstResponse
}

// DefaultSLA is SPEC §2–§6 as shipped.
func DefaultSLA() SLAPolicy {
	return SLAPolicy{
		FirstResponse:  30 * time.Minute,
		Registration:   2 * time.Hour,
		Classification: time.Hour,
		StartBy:        map[Priority]time.Duration{P1: 4 * time.Hour, P2: 8 * time.Hour, P3: 24 * time.Hour},
		UpdateEvery:    map[Priority]time.Duration{P1: 4 * time.Hour, P2: 8 * time.Hour, P3: 24 * time.Hour},
		PlanWithin:     2 * time.Hour,
		ResolveNotice:  time.Hour,
	}
}

// Validate names the first missing or non-positive number.
func (p SLAPolicy) Validate() error {
	for name, d := range map[string]time.Duration{
		"sla.first_response": p.FirstResponse, "sla.registration": p.Registration,
		"sla.classification": p.Classification, "sla.plan_within": p.PlanWithin,
		"sla.resolve_notice": p.ResolveNotice,
	} {
		if d <= 0 {
			return fmt.Errorf("%s: must be a positive duration", name)
		}
	}
	if p.HandoffWait < 0 {
		return fmt.Errorf("sla.handoff_wait: must not be negative (0 = sla.first_response)")
	}
	for _, pr := range []Priority{P1, P2, P3} {
		if p.StartBy[pr] <= 0 {
			return fmt.Errorf("sla.start_by.%s: must be a positive duration", pr)
		}
		if p.UpdateEvery[pr] <= 0 {
			return fmt.Errorf("sla.update_every.%s: must be a positive duration", pr)
		}
	}
	return nil
}

// Deadlines are the intake clocks of one case.
type Deadlines struct {
	FirstResponse  time.Time `json:"first_response"`
	Registration   time.Time `json:"registration"`
	Classification time.Time `json:"classification"`
	StartBy        time.Time `json:"start_by"`
}

// IntakeDeadlines computes the deadlines of a case whose customer first wrote
// at firstContact and which was registered at registeredAt. Start-by runs from
// registration: the department cannot start before it knows of the case.
func (p SLAPolicy) IntakeDeadlines(firstContact, registeredAt time.Time, pr Priority) Deadlines {
	return Deadlines{
		FirstResponse:  firstContact.Add(p.FirstResponse),
		Registration:   firstContact.Add(p.Registration),
		Classification: registeredAt.Add(p.Classification),
		StartBy:        registeredAt.Add(p.StartBy[pr]),
	}
}

// Route returns the department responsible for a category (SPEC §4).
func Route(c Category) Department {
	switch c {
	case CategoryTechnical:
		return DeptTechnicalSupport
	case CategoryLogistics:
		return DeptLogistics
	case CategoryQuality:
		return DeptQualityControl
	default:
		return DeptCustomerService
	}
}
