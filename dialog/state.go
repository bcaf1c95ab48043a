package dialog

import (
	"time"

	"github.com/kefu-dev/kefu/cases"
)

// Phase is where a conversation stands.
type Phase string

const (
	PhaseNew          Phase = "new"            // nothing said yet
	PhaseCollecting   Phase = "collecting"     // asking for case fields
	PhaseFAQ          Phase = "faq"            // answered from the FAQ, waiting for "did it help?"
	PhaseConfirming   Phase = "confirming"     // restated the case, waiting for yes or a correction
	PhaseRegistering  Phase = "registering"    // asked the store to register the case
	PhaseRegistered   Phase = "registered"     // case open; follow-ups go to the case
	PhaseWaitingAgent Phase = "waiting_agent"  // handed off, no agent yet
	PhaseAgent        Phase = "agent"          // an agent has taken over; the bot is silent
	PhaseCheck        Phase = "function_check" // resolved: does the product work again?
	PhaseSurvey       Phase = "survey"         // the satisfaction survey, one question at a time
	PhaseDone         Phase = "done"           // survey answered; a new message starts a new intake
	PhaseCare         Phase = "care"           // a proactive care script is open (care.go)
)

// State is the whole dialog state of one conversation. It is stored as JSON
// with the conversation, so every field must round-trip.
type State struct {
	Phase    Phase                     `json:"phase"`
	Lang     string                    `json:"lang,omitempty"`
	Fields   map[cases.FieldKey]string `json:"fields,omitempty"`
	Asking   cases.FieldKey            `json:"asking,omitempty"`
	Attempts int                       `json:"attempts,omitempty"`
	// Aside is set once the customer asked a question of their own instead
	// of answering the open one; only the first such question is free.
	Aside bool `json:"aside,omitempty"`
	// AskingCategory is set while a clarifying category question is open.
	AskingCategory bool `json:"asking_category,omitempty"`
	// Batch is set for channels that are not chat (email): every missing
	// field is asked in one message, and AskingAll holds that list.
	Batch     bool             `json:"batch,omitempty"`
	AskingAll []cases.FieldKey `json:"asking_all,omitempty"`
	// AskingWhich is set after "that's wrong" without saying what is wrong.
	AskingWhich bool `json:"asking_which,omitempty"`
	// Clarifying is set while a clarifying question about a vague symptom
	// is open; Clarified once it was asked, so it is asked only once.
	Clarifying bool `json:"clarifying,omitempty"`
	Clarified  bool `json:"clarified,omitempty"`
	// Reask is set when the customer said something useful that did not
	// answer the open question: it is acknowledged and asked again in
	// other words. Asked counts the questions put per field.
	Reask bool                   `json:"reask,omitempty"`
	Asked map[cases.FieldKey]int `json:"asked,omitempty"`
	// NameGuessed: the name came from a reply that only looked like one;
	// a name said explicitly replaces it.
	NameGuessed bool `json:"name_guessed,omitempty"`
	// Declined lists fields the customer would not give: they are not
	// asked again (the channel itself is the contact when the phone is).
	Declined []cases.FieldKey `json:"declined,omitempty"`
	// PartialPhone holds the first digits of a phone number typed over
	// two messages.
	PartialPhone string `json:"partial_phone,omitempty"`
	// PurchaseRough is what is known of a purchase time said too loosely
	// for a month: the year ("2024"), or "?" when not even that. The month
	// is asked for once (only when the category needs the date); a year
	// alone is no purchase date, so "unknown" is kept when that is all.
	PurchaseRough string `json:"purchase_rough,omitempty"`

	Category       cases.Category `json:"category,omitempty"`
	Subtype        string         `json:"subtype,omitempty"`
	Priority       cases.Priority `json:"priority,omitempty"`
	Reasons        []string       `json:"reasons,omitempty"`
	CategoryChosen bool           `json:"category_chosen,omitempty"` // the customer picked it: keep it
	SafetyAdvised  bool           `json:"safety_advised,omitempty"`

	// Texts are the customer's problem descriptions, used to classify.
	Texts []string `json:"texts,omitempty"`
	// Country is the calling code of the country the customer named
	// ("Nairobi" → "254"), for local phone numbers given later.
	Country string `json:"country,omitempty"`

	// LangHinted: Lang came from the channel's hint (Event.Lang), not
	// from the customer's words; the first words that show a language
	// decide instead.
	LangHinted bool `json:"lang_hinted,omitempty"`
	// Zone is the customer's time zone when known (an IANA name such as
	// "Europe/London", or an offset such as "+0100"), from an
	// international phone number or the country named (zone.go); empty:
	// the deployment's. Times for the customer go through
	// Engine.FormatTimeIn with it.
	Zone string `json:"zone,omitempty"`
	// DeviceZone is the zone the customer's device gave last (a browser's,
	// a mail's Date offset); it outweighs the phone's and the country's.
	DeviceZone string `json:"device_zone,omitempty"`

	// Attachments sent before the case exists; they go onto it at registration.
	Attachments []string `json:"attachments,omitempty"`

	CaseID     int64  `json:"case_id,omitempty"`
	CaseNumber string `json:"case_number,omitempty"`

	FirstContactAt time.Time `json:"first_contact_at,omitzero"`
	LastCustomerAt time.Time `json:"last_customer_at,omitzero"`
	LastAskedAt    time.Time `json:"last_asked_at,omitzero"`
	Reminded       bool      `json:"reminded,omitempty"`

	// Survey holds the answers so far; SurveyStep is the question open
	// (0..len(SurveyDimensions)-1, then the optional comment).
	Survey     map[SurveyDimension]int `json:"survey,omitempty"`
	SurveyStep int                     `json:"survey_step,omitempty"`
	// CheckAsked counts function-check questions without a clear answer.
	CheckAsked int `json:"check_asked,omitempty"`
	// RecheckPending: the case was resolved with guidance to observe; the
	// function check is asked when the re-check falls due (care.go).
	RecheckPending bool `json:"recheck_pending,omitempty"`
	// Care is the proactive care script open, if any (care.go).
	Care *CareState `json:"care,omitempty"`

	HandoffReason string `json:"handoff_reason,omitempty"`
	// HandoffAt is when the conversation last joined the queue for an
	// agent; the queue's own deadline runs from it.
	HandoffAt    time.Time `json:"handoff_at,omitzero"`
	HandoffAcked bool      `json:"handoff_acked,omitempty"`
	// Resume is the phase the bot returns to when an agent hands back.
	Resume Phase  `json:"resume,omitempty"`
	Agent  string `json:"agent,omitempty"`
}

// EventKind names what happened.
type EventKind string

const (
	EventMessage        EventKind = "message"         // the customer wrote or pressed a button
	EventTimer          EventKind = "timer"           // a scheduled timer fired
	EventAgent          EventKind = "agent"           // an agent acted
	EventCaseRegistered EventKind = "case_registered" // the store registered the case asked for
	EventCaseResolved   EventKind = "case_resolved"   // staff resolved the case: check, then survey
	EventCaseReopened   EventKind = "case_reopened"   // staff reopened the case
	EventCare           EventKind = "care"            // a proactive care touchpoint is due (care.go)
)

// Timer names.
const (
	TimerReminder     = "intake_reminder"       // the customer went quiet mid-intake
	TimerRegistration = "registration_deadline" // SPEC §2: registered within 2 h
)

// Agent action kinds.
const (
	AgentTakeOver = "take_over"
	AgentHandBack = "hand_back"
)

// Event is one input to Step.
type Event struct {
	Kind EventKind
	// Message
	Text   string
	Choice string
	// Channel facts the engine may use: an email channel knows the address.
	ChannelEmail string
	// DisplayName is the name the channel shows for the sender (the mail's
	// From name); when it reads as a person's name it is taken as the
	// customer's name, to be confirmed with the rest (displayname.go).
	DisplayName string
	// Batch says the channel is not chat (email): ask everything at once.
	Batch bool
	// Zone is the customer's device zone (channels.Inbound.Zone).
	Zone string
	// Lang is the channel's hint of the customer's language (an IETF tag
	// such as Telegram's language_code "en", "zh-hans", "zh-TW"): the
	// conversation's language until the customer's words show one.
	Lang string
	// Attachments are the files (photos, voice) that came with the message,
	// as references ("[image/jpeg] https://…").
	Attachments []string
	// The current case as stored, for status questions (set by the caller
	// when the conversation has a case).
	CaseState   string
	CaseStartBy time.Time
	// Case is the conversation's case as stored (nil: none, or not
	// loaded), read only: a status answer says where it stands (the plan,
	// when it was resolved or closed).
	Case *cases.Case
	// Timer
	Timer    string
	TimerDue time.Time
	// Agent
	AgentAction string
	AgentName   string
	// Case registered
	CaseID     int64
	CaseNumber string
	// Case resolved: whether to ask if the product works again (repair and
	// exchange plans, SPEC §6).
	NeedsCheck bool
	// Recheck: the resolution was guidance to observe; the function check
	// waits for the care plan's re-check instead of being asked now.
	Recheck bool
	// Care is the touchpoint to say (EventCare).
	Care *CareCall
}

// ActionKind names what the caller must do.
type ActionKind string

const (
	ActReply         ActionKind = "reply"
	ActRegisterCase  ActionKind = "register_case"
	ActUpdateCase    ActionKind = "update_case"
	ActScheduleTimer ActionKind = "schedule_timer"
	ActHandoff       ActionKind = "handoff"
	ActReopenCase    ActionKind = "reopen_case" // the function check failed
	ActSurvey        ActionKind = "survey_answered"
	ActComplaint     ActionKind = "complaint" // open a complaint (SPEC §7)
	// ActFunctionCheck: the customer answered the function check (Check,
	// and Note their words); a failed check is followed by ActReopenCase.
	ActFunctionCheck ActionKind = "function_check"
	// ActCareOutcome: a care script ended (Care says how).
	ActCareOutcome ActionKind = "care_outcome"
	// ActOptOut / ActOptIn: the customer opted out of proactive messages
	// on every channel, or back in (Note: their words).
	ActOptOut ActionKind = "opt_out"
	ActOptIn  ActionKind = "opt_in"
)

// Choice is a button offered with a reply.
type Choice struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// KindNotUnderstood is the kind of the reply that tells the customer the
// bot did not understand them (the report's "didn't understand" rate).
const KindNotUnderstood = "retry"

// Reply is a message to the customer.
type Reply struct {
	Text    string         `json:"text"`
	Field   cases.FieldKey `json:"field,omitempty"` // the field asked for
	Choices []Choice       `json:"choices,omitempty"`
	Kind    string         `json:"kind,omitempty"`
}

// CaseDraft is what the engine knows of a case.
type CaseDraft struct {
	Fields         map[cases.FieldKey]string
	Category       cases.Category
	Subtype        string
	Priority       cases.Priority
	Reasons        []string
	Language       string
	FirstContactAt time.Time
	Escalated      bool
	Handoff        string // reason, when registered because of a handoff
	Attachments    []string
	// Confirmed says the customer confirmed these fields at the
	// confirmation step (需求确认); a draft filed for a handoff is not, so
	// its phone and email match no one (service: the customer archive).
	Confirmed bool
}

// Timer is a timer to schedule.
type Timer struct {
	Name string
	At   time.Time
	Key  string // unique per conversation and purpose
}

// Action is one output of Step.
type Action struct {
	Kind    ActionKind
	Survey  *SurveyResult
	Reply   *Reply
	Case    *CaseDraft // register or update
	Note    string     // update: customer text to add to the case record
	Timer   *Timer
	Handoff string      // reason
	Check   CheckAnswer // function check: the answer
	Care    *CareOutcome
}

// SurveyResult is an answered satisfaction survey.
type SurveyResult struct {
	Scores  map[SurveyDimension]int
	Comment string
}
