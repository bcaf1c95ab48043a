package service

// Team is the after-sales team's side of kefu (SPEC §3–§8): staff users
// and sign-in, cases, conversations an agent takes over, complaints,
// call tasks and files — what the staff API and the console call. The
// customer's side (Receive, the dialog steps, the outbox, the timers)
// stays on Service, so the two read apart. Team reaches the machinery both
// share (the store, the locked case operations, the delivery plan) through
// the Service it wraps.
type Team struct{ *Service }

// Team returns the team's use-cases over s.
func (s *Service) Team() *Team { return &Team{s} }
