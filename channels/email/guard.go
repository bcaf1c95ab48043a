package email

import (
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
)

// Reasons a mail gets no automatic reply (Message.Auto and the
// "event:auto_reply:REASON" choice).
const (
	AutoSubmitted  = "auto_submitted" // Auto-Submitted other than "no" (RFC 3834)
	AutoPrecedence = "precedence"     // Precedence: bulk, junk, list, auto_reply
	AutoResponder  = "autoresponder"  // X-Autoreply, X-Autorespond, X-Auto-Response-Suppress
	AutoList       = "list"           // List-Id, List-Unsubscribe
	AutoBounce     = "bounce"         // multipart/report, mailer-daemon, postmaster, empty sender
	AutoOwn        = "own_address"    // sent from one of our own addresses
	AutoRateLimit  = "rate_limited"   // the sender already got Config.RepliesPerHour replies
)

// autoReason classifies a mail by its headers; "" means a person wrote it.
// It errs on the side of silence: a customer who is not answered still has
// the message stored and visible to agents, while a loop mails someone
// hundreds of times.
func autoReason(h mail.Header, from string) string {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && !strings.HasPrefix(v, "no") {
		return AutoSubmitted
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "junk", "list", "auto_reply", "auto-reply":
		return AutoPrecedence
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"} {
		if h.Has(k) {
			return AutoResponder
		}
	}
	if h.Has("List-Id") || h.Has("List-Unsubscribe") {
		return AutoList
	}
	if ct, _, _ := h.ContentType(); ct == "multipart/report" {
		return AutoBounce
	}
	local, _, _ := strings.Cut(from, "@")
	switch local {
	case "mailer-daemon", "postmaster", "":
		return AutoBounce
	}
	if strings.TrimSpace(h.Get("Return-Path")) == "<>" {
		return AutoBounce // a null sender is how MTAs mark notifications
	}
	return ""
}

// underCap reports whether another automatic reply to a sender with these
// past reply times stays within perHour, and returns the times still
// inside the hour.
func underCap(replies []time.Time, now time.Time, perHour int) (bool, []time.Time) {
	kept := replies[:0:0]
	for _, t := range replies {
		if now.Sub(t) < time.Hour {
			kept = append(kept, t)
		}
	}
	return perHour <= 0 || len(kept) < perHour, kept
}
