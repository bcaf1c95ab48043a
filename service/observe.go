package service

import (
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
)

// Observer is told what the pipeline does, for the operators' metrics
// (internal/metrics). Calls must be cheap and must not block: they happen
// on the message path.
type Observer interface {
	// Received: one inbound message, its outcome (the Outcome constants)
	// and how long storing it and the dialog step took.
	Received(ch channels.ID, outcome string, took time.Duration)
	// Delivered: one outbox row tried on its channel, the outcome (the
	// Delivery constants) and how long it had waited since it was queued.
	Delivered(ch channels.ID, outcome string, waited time.Duration)
	// TimerFired: a timer ran late by late after its due time; failed when
	// its handler returned an error (River retries it).
	TimerFired(name string, late time.Duration, failed bool)
	// Breached: an SLA deadline was recorded missed at an escalation level.
	Breached(clock cases.ClockName, level int)
}

// Inbound outcomes.
const (
	OutcomeStored      = "stored"
	OutcomeDuplicate   = "duplicate"
	OutcomeQuarantined = "quarantined" // refused for good and kept aside
	OutcomeFailed      = "failed"      // not stored; the channel retries
)

// Delivery outcomes.
const (
	DeliverySent     = "sent"
	DeliveryRetry    = "retry"    // failed, tried again later
	DeliveryDeferred = "deferred" // the channel refused for now (a closed window, quiet hours)
	DeliveryDead     = "dead"     // given up
)

// OutboxStat is the outbox of one channel at a moment: what an operator
// watches to see whether delivery keeps up.
type OutboxStat struct {
	Channel channels.ID
	Pending int
	// Oldest is when the oldest pending row was queued (zero: none).
	Oldest time.Time
}

type nopObserver struct{}

func (nopObserver) Received(channels.ID, string, time.Duration)  {}
func (nopObserver) Delivered(channels.ID, string, time.Duration) {}
func (nopObserver) TimerFired(string, time.Duration, bool)       {}
func (nopObserver) Breached(cases.ClockName, int)                {}
