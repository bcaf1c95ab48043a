package dialog

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/kefu-dev/kefu/cases"
)

// The customer's time zone. Times kefu promises ("handling starts by …")
// are shown on the customer's clock when kefu knows it, and the zone is
// named when that clock differs from the deployment's (dialog.timezone):
// a customer in London reads "Dec 3 16:06 (London time)", not China time
// without a zone. State.Zone comes from what the conversation says: the
// country of an international phone number, else the country the customer
// named (State.Country). A mainland or Taiwan number keeps the
// deployment's zone.

// refreshZone sets State.Zone: the customer's device zone when the channel
// gave one (a browser's, a mail's Date offset), else from the phone number
// or the country named.
func (s *step) refreshZone() {
	if z := s.ev.Zone; z != "" && s.e.zones.load(z) != nil {
		s.st.DeviceZone = z
	}
	if s.st.DeviceZone != "" {
		s.st.Zone = s.st.DeviceZone
		return
	}
	if p := s.st.Fields[cases.FieldPhone]; p != "" {
		s.st.Zone = ""
		if e164 := leadingE164(p); e164 != "" {
			s.st.Zone = s.e.callingZone(e164, s.now)
		}
		return
	}
	if s.st.Country != "" {
		s.st.Zone = s.e.callingZone(s.st.Country, s.now)
	}
}

// leadingE164 returns the digits of an international number ("+44…"),
// "" for a number written the national way.
func leadingE164(p string) string {
	p = strings.TrimSpace(p)
	if !strings.HasPrefix(p, "+") {
		return ""
	}
	var b strings.Builder
	for _, r := range p[1:] {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return b.String()
		}
	}
	return b.String()
}

// callingZone is the zone of a calling code or an international number
// (digits, no "+"), from libphonenumber's prefix map: its zone when the
// prefix has one, or when all its zones keep the same clock at now (a
// British number: Guernsey, Isle of Man, London; the name shown is then
// the last of them); "" when the prefix spans clocks (+1, +61).
func (e *Engine) callingZone(digits string, now time.Time) string {
	tzs, err := phonenumbers.GetTimezonesForPrefix(digits)
	if err != nil || len(tzs) == 0 {
		return ""
	}
	zone, off := "", 0
	for i, name := range tzs {
		loc := e.zones.load(name)
		if loc == nil {
			return "" // phonenumbers.UNKNOWN_TIMEZONE, or no zone database
		}
		_, o := now.In(loc).Zone()
		if i > 0 && o != off {
			return ""
		}
		zone, off = name, o
	}
	return zone
}

var offsetRe = regexp.MustCompile(`^(?i:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$`)

// zoneCache keeps the zones resolved so far (an Engine's): loading an IANA
// zone reads the zone database. Only zones that resolve are kept, so
// names from customers' devices cannot grow it without bound.
type zoneCache struct{ m sync.Map } // name -> *time.Location

// load resolves a zone: an IANA name ("Europe/London") or an offset
// ("+0100", "-05:30", "UTC+8"); nil when it is neither.
func (zc *zoneCache) load(name string) *time.Location {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil
	}
	if v, ok := zc.m.Load(name); ok {
		return v.(*time.Location)
	}
	var loc *time.Location
	if m := offsetRe.FindStringSubmatch(name); m != nil {
		h, _ := strconv.Atoi(m[2])
		mins, _ := strconv.Atoi(m[3])
		if h <= 14 && mins < 60 {
			secs := h*3600 + mins*60
			if m[1] == "-" {
				secs = -secs
			}
			loc = time.FixedZone(utcOffset(secs), secs)
		}
	} else if strings.Contains(name, "/") || name == "UTC" {
		if l, err := time.LoadLocation(name); err == nil {
			loc = l
		}
	}
	if loc != nil {
		zc.m.Store(name, loc)
	}
	return loc
}

// utcOffset names an offset the way customers read it: "UTC+1",
// "UTC-5:30", "UTC+0".
func utcOffset(secs int) string {
	sign := "+"
	if secs < 0 {
		sign, secs = "-", -secs
	}
	s := "UTC" + sign + strconv.Itoa(secs/3600)
	if m := secs % 3600 / 60; m != 0 {
		s += ":" + strconv.Itoa(m/10) + strconv.Itoa(m%10)
	}
	return s
}

// zoneCity is the city of an IANA zone name ("America/New_York" → "New
// York"), "" for an offset.
func zoneCity(zone string) string {
	i := strings.LastIndexByte(zone, '/')
	if i < 0 {
		return ""
	}
	return strings.ReplaceAll(zone[i+1:], "_", " ")
}

// FormatTimeIn formats t for a customer speaking lang on the clock of
// zone (State.Zone: an IANA name or an offset such as "+0100"). A zone
// whose clock differs from the deployment's at t is named ("Dec 3 16:06
// (London time)", "2026-12-03 16:06（当地时间 UTC+0）"); an empty or
// unknown zone gives what FormatTime gives.
func (e *Engine) FormatTimeIn(lang, zone string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	layout := e.Render(lang, "time_format", nil)
	home := t.In(e.cfg.Location)
	loc := e.zones.load(zone)
	if loc == nil {
		return home.Format(layout)
	}
	local := t.In(loc)
	_, off := local.Zone()
	if _, homeOff := home.Zone(); off == homeOff {
		return home.Format(layout)
	}
	return e.Render(lang, "time.zoned", map[string]any{"Time": local.Format(layout), "City": zoneCity(zone), "Offset": utcOffset(off)})
}

// ZoneLocation is the clock of a customer's zone (State.Zone), nil when
// the zone is empty or unknown: callers outside the dialog (quiet hours,
// the progress cadence) keep the customer's night with it.
func (e *Engine) ZoneLocation(zone string) *time.Location { return e.zones.load(zone) }
