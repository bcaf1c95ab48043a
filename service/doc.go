// Package service is kefu's pipeline: an inbound message is deduplicated,
// its conversation locked, the dialog engine stepped, and the resulting case
// changes, outbound messages and timers committed in one transaction; an
// outbox worker then delivers through the channel adapters. Timers come back
// as events to the same dialog step.
//
// The team's side — staff users and sign-in, cases, agents' conversations,
// complaints, tasks and files — is the Team type (team.go), what the staff
// API and the console call.
package service
