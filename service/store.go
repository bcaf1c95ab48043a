package service

import (
	"context"
	"time"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
)

// Store is kefu's persistence. store/sqlite (the embedded default) and
// store/postgres implement it; store/storetest is the conformance suite both
// must pass. Errors: a missing row is a *cases.Error with code ENotFound.
type Store interface {
	// InTx runs fn in one transaction and commits if fn returns nil. Store
	// methods called with fn's ctx run inside that transaction (SQLite has
	// one connection: a read outside it would wait forever); an InTx called
	// with it runs under a savepoint, so a failure undoes its writes only.
	// An error that will recur on every retry because the database refuses
	// the data (a constraint, a value out of range) has a method
	// Permanent() bool that returns true; a transient one (the database
	// unreachable, busy, a serialization failure) has not.
	InTx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error

	MessagesList(ctx context.Context, p MessagesListParams) ([]channels.StoredMessage, error)
	ConversationGetByID(ctx context.Context, id int64) (Conversation, error)
	ConversationFind(ctx context.Context, channel channels.ID, externalUserID string) (Conversation, error)
	CaseGetByID(ctx context.Context, id int64) (*cases.Case, error)
	CaseList(ctx context.Context, p CaseListParams) ([]*cases.Case, error)
	// CaseCount counts the cases CaseList would list, up to p.Limit.
	CaseCount(ctx context.Context, p CaseListParams) (int, error)
	CaseHistory(ctx context.Context, caseID int64) ([]cases.Change, error)
	// ConversationList lists conversations in a phase ("" = all), most recently updated first.
	ConversationList(ctx context.Context, p ConversationListParams) ([]Conversation, error)

	// UserInsert stores a staff user with the hash of their API token.
	UserInsert(ctx context.Context, p UserParams) (cases.User, error)
	// UserByTokenHash returns the enabled user whose token hashes to hash; ENotFound otherwise.
	UserByTokenHash(ctx context.Context, hash []byte) (cases.User, error)
	// UserList lists every staff user, oldest first.
	UserList(ctx context.Context) ([]UserRecord, error)
	// UserUpdate disables or enables a user, or replaces their token hash;
	// ENotFound for an unknown id, EConflict for a token hash in use.
	UserUpdate(ctx context.Context, id int64, p UserUpdateParams) error
	// UserByLogin returns the enabled user with this login and their
	// password hash (nil when none is set); ENotFound otherwise.
	UserByLogin(ctx context.Context, login string) (cases.User, []byte, error)

	SessionStore
	ActivityStore
	CustomerStore
	ReportStore
	CareStore

	// OutboxClaim leases up to Limit due rows (status pending, next attempt
	// reached, lease expired), at most the oldest pending row per
	// conversation so replies keep their order; a row a channel deferred
	// or quiet hours hold does not hold back the rows behind it (an answer
	// to a customer who just wrote). On Postgres it uses
	// FOR UPDATE SKIP LOCKED so several processes share the work.
	OutboxClaim(ctx context.Context, p OutboxClaimParams) ([]OutboxRow, error)
	// OutboxFail records a failed attempt: retry at NextAttemptAt, or dead.
	OutboxFail(ctx context.Context, p OutboxFailParams) error
	// OutboxPending counts rows not yet sent (for tests and /readyz).
	OutboxPending(ctx context.Context) (int, error)
	// MonthlyReportSent reports whether the report of month (2006-01)
	// was queued (Tx.MonthlyReportInsert).
	MonthlyReportSent(ctx context.Context, month string) (bool, error)
	// OutboxFiles returns the files stored with an outbox row
	// (OutboxParams.Files), in order; none is not an error.
	OutboxFiles(ctx context.Context, outboxID int64) ([]channels.Attachment, error)

	// TaskList lists callback and follow-up tasks, oldest due first.
	TaskList(ctx context.Context, p TaskListParams) ([]Task, error)

	// AttachmentGet returns a stored attachment with its bytes (Data is nil
	// when only a URL was given); ENotFound when there is none.
	AttachmentGet(ctx context.Context, id int64) (Attachment, error)
	// AttachmentList lists a case's attachments, oldest first, without
	// their bytes.
	AttachmentList(ctx context.Context, caseID int64) ([]AttachmentInfo, error)
	// AttachmentListByConversation lists a conversation's attachments,
	// oldest first, without their bytes.
	AttachmentListByConversation(ctx context.Context, conversationID int64) ([]AttachmentInfo, error)

	// CursorGet reads a durable channel position ("" and false when unset).
	CursorGet(ctx context.Context, key string) (string, bool, error)

	// InboundRejectedInsert keeps a malformed inbound payload for inspection.
	InboundRejectedInsert(ctx context.Context, p RejectedParams) error

	// TimersStart starts the durable timer runner (River); due timers are
	// handed to h. TimersStop stops it, waiting for running handlers.
	TimersStart(ctx context.Context, h TimerHandler) error
	TimersStop(ctx context.Context) error

	Close() error
	// OutboxUnclaim gives back claimed rows that were not tried (the
	// process is stopping, or their lease was half over): their lease is
	// lifted at once instead of holding their conversations up for the
	// rest of it on every other process. Only rows still under the claim
	// whose lease ends at leaseEnd are touched.
	OutboxUnclaim(ctx context.Context, ids []int64, leaseEnd time.Time) error
}

// Tx is one transaction. Everything one inbound message causes (stored
// message, state, case, outbox rows, timers) is written through one Tx.
type Tx interface {
	// Lock serializes work on key (a conversation) until the transaction
	// ends: pg_advisory_xact_lock on Postgres; SQLite already serializes
	// writers.
	Lock(ctx context.Context, key string) error

	CustomerGetOrCreate(ctx context.Context, p CustomerParams) (Customer, error)
	CustomerTx
	CareTx
	// ConversationGetOrCreate returns the conversation of a channel user,
	// creating it (Phase "new") when there is none.
	ConversationGetOrCreate(ctx context.Context, p ConversationParams) (Conversation, error)
	ConversationGet(ctx context.Context, id int64) (Conversation, error)
	// ConversationSave stores phase, state and case; the customer moves
	// only with a customer merge.
	ConversationSave(ctx context.Context, c Conversation) error

	// MessageInsert stores a message; inserted is false (and nothing is
	// written) when (channel, external id) exists already.
	MessageInsert(ctx context.Context, p MessageParams) (id int64, inserted bool, err error)

	// CaseInsert stores a new case and sets its ID and Number.
	CaseInsert(ctx context.Context, c *cases.Case) error
	// CaseUpdate stores the case; its customer is set when it is inserted
	// (or, for an old case without one, by its first update) and moves only
	// with a customer merge, so a stale copy cannot undo a merge.
	CaseUpdate(ctx context.Context, c *cases.Case) error
	CaseGet(ctx context.Context, id int64) (*cases.Case, error)
	CaseHistoryInsert(ctx context.Context, changes ...cases.Change) error

	OutboxInsert(ctx context.Context, p OutboxParams) (int64, error)

	// AttachmentInsert stores a file that came with a message; Size is
	// len(p.Data).
	AttachmentInsert(ctx context.Context, p AttachmentParams) (int64, error)
	// AttachmentsLink puts the conversation's attachments that are on no
	// case yet (photos sent before registration) on caseID.
	AttachmentsLink(ctx context.Context, conversationID, caseID int64) error
	// CursorSet writes a durable channel position in this transaction, so
	// it moves if and only if the messages it covers are stored.
	CursorSet(ctx context.Context, key, value string, at time.Time) error

	// OutboxRelease makes the conversation's deferred rows (a channel
	// refused them: "deferred: …" errors) and held ones ("held: …", quiet
	// hours) due at now, because the customer wrote again: the channel may
	// accept them and the customer is awake; it returns how many.
	OutboxRelease(ctx context.Context, conversationID int64, now time.Time) (int, error)
	// OutboxMarkSent marks a row sent; it returns false when it was already
	// sent, so a second delivery attempt records nothing twice.
	OutboxMarkSent(ctx context.Context, id int64, at time.Time) (bool, error)
	// OutboxQueued lists the conversation's pending rows, oldest first.
	OutboxQueued(ctx context.Context, conversationID int64) ([]OutboxRow, error)
	// OutboxSupersede ends a pending row unsent ("superseded: " + why,
	// e.g. a newer status replaces it); it returns false when the row was
	// no longer pending.
	OutboxSupersede(ctx context.Context, id int64, why string) (bool, error)

	// TimerInsert schedules a durable timer (a River job inserted in this
	// transaction); a timer with the same UniqueKey that is still pending is
	// not inserted twice. A timer whose handler is running counts as
	// pending, so a handler re-arming itself needs a new key.
	TimerInsert(ctx context.Context, p TimerParams) error
	// TimerInsertMany is TimerInsert of many timers in one statement.
	TimerInsertMany(ctx context.Context, ps []TimerParams) error

	// MonthlyReportInsert records that month's report (2006-01) is
	// queued; false, writing nothing, when it was already — by this
	// process or another.
	MonthlyReportInsert(ctx context.Context, month string, at time.Time) (bool, error)

	// BotEventsInsert records what the bot did in a step (botevents.go).
	BotEventsInsert(ctx context.Context, evs ...BotEvent) error
	// BotEventsLink puts the conversation's events that are on no case
	// yet (its intake's) on caseID, the case the intake registered.
	BotEventsLink(ctx context.Context, conversationID, caseID int64) error

	// TaskInsert stores a task in state open; inserted is false (and the
	// existing task is returned) when a task with the same Key exists, so a
	// timer that fires twice creates one task.
	TaskInsert(ctx context.Context, p TaskParams) (t Task, inserted bool, err error)
	// TaskGet returns a task, locked until the transaction ends on Postgres
	// (FOR UPDATE) so two agents cannot both claim it.
	TaskGet(ctx context.Context, id int64) (Task, error)
	// TaskUpdate stores a task's state, assignee, outcome and times.
	TaskUpdate(ctx context.Context, t Task) error
}

// TaskKind is what an agent is asked to do.
type TaskKind string

const (
	// TaskCallback is a phone callback for a P1/P2 survey left unanswered
	// (电话回访, SPEC §6).
	TaskCallback TaskKind = "callback"
	// TaskFollowUp is the post-service follow-up visit (回访, SPEC §8).
	TaskFollowUp TaskKind = "follow_up"
)

// TaskState is where a task stands: open → claimed (by one agent) → done.
type TaskState string

const (
	TaskOpen    TaskState = "open"
	TaskClaimed TaskState = "claimed"
	TaskDone    TaskState = "done"
)

// Task is a piece of work for an agent about a case.
type Task struct {
	ID        int64
	CaseID    int64
	Kind      TaskKind
	State     TaskState
	Assignee  string // Change.Actor of the claiming user; "" while open
	Outcome   string // the agent's free note on the last call
	CreatedAt time.Time
	DueAt     time.Time
	ClaimedAt time.Time
	DoneAt    time.Time
	// Attempts counts the calls recorded with a structured outcome,
	// Result is what came of the last one ("" for a free-text outcome),
	// Suggestion what the customer suggested or wants improved, and
	// Complaint the number of the case's complaint a "not satisfied"
	// opened or added to (0 = none).
	Attempts   int
	Result     TaskResult
	Suggestion string
	Complaint  int
}

// TaskResult is what came of a call.
type TaskResult string

const (
	ResultSatisfied    TaskResult = "satisfied"
	ResultNotSatisfied TaskResult = "not_satisfied"
	// ResultUnreachable: the last call did not reach the customer; the
	// task is open again for a retry, or done once the attempts are spent.
	ResultUnreachable TaskResult = "unreachable"
)

// TaskParams describe a new task. Key makes it unique (e.g. one callback
// per case and resolution).
type TaskParams struct {
	CaseID    int64
	Kind      TaskKind
	Key       string
	CreatedAt time.Time
	DueAt     time.Time
}

// TaskListParams filter tasks; zero values do not filter.
type TaskListParams struct {
	CaseID   int64
	Kind     TaskKind
	State    TaskState
	Assignee string // the claiming actor ("user:7")
	// Recent lists the most recently done first instead of the earliest
	// due (the done list, where due times have passed long ago).
	Recent bool
	Limit  int // 0 = 100
}

// Customer is a person or company across channels (客户档案).
type Customer struct {
	ID          int64
	DisplayName string
	CreatedAt   time.Time
	// MergedInto is the customer this one was merged into (0: none); a
	// merged customer keeps no identities, conversations or cases.
	MergedInto int64
}

// CustomerParams identify a customer by a channel identity.
type CustomerParams struct {
	Channel        channels.ID
	ExternalUserID string
	DisplayName    string
	Now            time.Time
}

// Conversation is one customer's thread on one channel and the dialog state.
type Conversation struct {
	ID             int64
	CustomerID     int64
	Channel        channels.ID
	ExternalUserID string
	Phase          string // copy of the dialog phase, for listing
	State          []byte // dialog.State as JSON
	CaseID         int64  // current case, 0 if none
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// ConversationParams find or open a conversation.
type ConversationParams struct {
	Channel        channels.ID
	ExternalUserID string
	CustomerID     int64
	Now            time.Time
}

// MessageParams describe a stored message.
type MessageParams struct {
	ConversationID int64
	Channel        channels.ID
	ExternalID     string // unique per channel; outbound rows use "out:<outbox id>"
	Direction      string // "in" or "out"
	Text           string
	Field          string
	Choices        []channels.Choice
	Kind           string
	Raw            []byte
	At             time.Time
}

// AttachmentParams describe a file to store. Data holds the bytes when the
// channel handed them over (Telegram, email); URL is the channel's link
// otherwise (a WeChat PicUrl).
type AttachmentParams struct {
	ConversationID int64
	MessageID      int64 // 0 = none
	CaseID         int64 // 0 = not on a case yet
	Name           string
	ContentType    string
	Data           []byte
	URL            string
	At             time.Time
	UploadedBy     string // the staff actor who attached it; "" = the customer sent it
}

// Attachment is a stored file with its bytes.
type Attachment struct {
	AttachmentInfo
	Data []byte // nil when only a URL is kept
}

// MessagesListParams select messages of one conversation after an id.
type MessagesListParams struct {
	ConversationID int64
	AfterID        int64
	Limit          int // 0 = 200
}

// CaseListParams filter cases; zero values do not filter.
type CaseListParams struct {
	ConversationID int64
	CustomerID     int64
	Department     cases.Department
	State          cases.State
	Priority       cases.Priority
	// BeforeID lists cases older than this one (keyset pagination; 0: from
	// the newest).
	BeforeID int64
	Phone    string // the customer's phone field, as stored (E.164 or national)
	Email    string // the customer's email field, lower case
	Number   string // the case number
	Open     bool   // only cases neither resolved nor closed
	Assignee int64  // only the cases of this person (0: anyone's)
	// Q finds cases by number (whole) or by a part of the order number,
	// model, name or company, ignoring case; lower case.
	Q string
	// CreatedFrom and CreatedTo select the cases registered in
	// [CreatedFrom, CreatedTo), a report's period; zero = unbounded.
	CreatedFrom, CreatedTo time.Time
	// Channel, Category, Subtype and Source, when set, must match exactly:
	// the figures of a report drill down to these.
	Channel  string
	Category cases.Category
	Subtype  string
	Source   string
	Limit    int // 0 = 100
}

// ConversationListParams select conversations.
type ConversationListParams struct {
	Phase      string // "" = all
	CustomerID int64  // 0 = every customer's
	Limit      int    // 0 = 100
}

// UserRecord is a stored staff user.
type UserRecord struct {
	cases.User
	Login     string // "" = cannot sign in to the console
	Disabled  bool
	CreatedAt time.Time
}

// UserUpdateParams change a user; nil and empty fields stay as they are.
type UserUpdateParams struct {
	Disabled     *bool
	TokenHash    []byte
	Login        *string
	PasswordHash []byte
}

// UserParams describe a staff user to store. TokenHash is the hash of the
// user's API token (the caller hashes; the store keeps the bytes).
type UserParams struct {
	Name       string
	Role       cases.Role
	Department cases.Department
	TokenHash  []byte
	Login      string // "" = no console sign-in
	// PasswordHash is the bcrypt hash of the console password; nil = none.
	PasswordHash []byte
	Now          time.Time
}

// OutboxParams describe a message to deliver.
type OutboxParams struct {
	ConversationID int64
	Channel        channels.ID
	ExternalUserID string
	Text           string
	Field          string
	Choices        []channels.Choice
	Kind           string
	Lang           string
	Facts          channels.Facts
	CreatedAt      time.Time
	NotBefore      time.Time // zero = now
	// Held says why the row waits until NotBefore ("held: quiet hours");
	// a held row goes at once when the customer writes (OutboxRelease).
	Held string
	// TraceParent is the W3C trace context of what queued the row ("" =
	// none), so its send continues that trace.
	TraceParent string
	// Files go with the message, stored with the row (the monthly
	// report's workbook); a channel that carries files gets them.
	Files []channels.Attachment
	// Origin keeps the row for the process of that token until
	// OriginUntil (OutboxClaimParams.Origin): it holds the customer's
	// request and can answer in it (a WeChat passive reply).
	Origin      string
	OriginUntil time.Time
}

// OutboxRow is a claimed (or listed pending) outbox row.
type OutboxRow struct {
	channels.Outbound
	Attempts      int // attempts before this one
	NextAttemptAt time.Time
	LastError     string // "deferred: …", "held: …" or the last failure
	TraceParent   string // see OutboxParams.TraceParent; set by a claim
}

// OutboxClaimParams control a claim.
type OutboxClaimParams struct {
	Now      time.Time
	Limit    int
	LeaseFor time.Duration
	// Channel, when set, claims only that channel's rows, and Except
	// leaves out the rows of the channels listed: each channel's lane
	// claims its own, so one failing channel never delays another.
	Channel channels.ID
	Except  []channels.ID
	// Origin is the claiming process's token: rows another process keeps
	// (OutboxParams.Origin) are left to it until their OriginUntil.
	Origin string
}

// OutboxFailParams record a failed delivery.
type OutboxFailParams struct {
	ID            int64
	Error         string
	NextAttemptAt time.Time
	Dead          bool // give up: the row stays for inspection with status dead
}

// RejectedParams describe a payload that could not be parsed.
type RejectedParams struct {
	Channel channels.ID
	Reason  string
	Raw     []byte
	At      time.Time
}

// TimerParams schedule a timer.
type TimerParams struct {
	ConversationID int64
	CaseID         int64
	Name           string
	At             time.Time
	UniqueKey      string
	// TraceParent is the W3C trace context of what armed the timer; the
	// timer's span links to it (trace.go).
	TraceParent string
	// TouchpointID is the care touchpoint a care timer is for (care.go).
	TouchpointID int64
}

// TimerArgs is the payload of a timer job. Kind makes it a River job type
// without this package importing River.
type TimerArgs struct {
	ConversationID int64     `json:"conversation_id"`
	CaseID         int64     `json:"case_id"`
	Name           string    `json:"name"`
	Due            time.Time `json:"due"`
	UniqueKey      string    `json:"unique_key"`
	TraceParent    string    `json:"trace_parent,omitempty"`
	TouchpointID   int64     `json:"touchpoint_id,omitempty"`
}

// Kind is the River job kind.
func (TimerArgs) Kind() string { return "kefu_timer" }

// TimerHandler is called when a timer is due; an error retries the job.
type TimerHandler func(ctx context.Context, t TimerArgs) error
