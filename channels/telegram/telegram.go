// Package telegram is the Telegram bot channel: updates by lossless long
// polling or by a verified webhook, commands, choices as inline keyboards,
// photos and documents as attachments, and outbound messages within
// Telegram's rate limits.
//
// # Updates
//
// Polling (Config.Mode "polling") does not use the library's
// GetUpdatesChan, which advances the offset before an update is handled,
// so a crash loses what it had fetched. Poll runs its own getUpdates loop:
// each update is handed to the inbox's ReceiveWithOffset, which stores the
// message and the next offset (update_id+1) in one transaction; only then
// does the loop move on, and the next getUpdates carries that offset, which
// is what confirms the update to Telegram. A crash before the commit leaves
// the offset where it was, so the update is fetched again; a crash after
// it resumes from the stored offset, so nothing is handed on twice. See
// OffsetInbox for what the store must do. Telegram allows one getUpdates
// caller per bot: run polling in one process, or use the webhook.
//
// Webhook (Config.Mode "webhook"): SetWebhook registers Config.WebhookURL
// with Config.SecretToken (sent through MakeRequest, the library's
// WebhookConfig has no such field). The Channel is the http.Handler for
// Config.WebhookPath: a request without the matching
// X-Telegram-Bot-Api-Secret-Token header (compared in constant time) gets
// 403 and is not handed on; bodies over Config.MaxBodyBytes get 413;
// malformed JSON gets 400 and its body goes to the inbox's
// channels.Rejecter. When the inbox fails the request gets 500, so
// Telegram delivers the update again.
//
// Deduplication: ExternalMessageID is "CHAT:MESSAGE" (chat id and
// message_id, which Telegram never reuses within a chat), the same for a
// redelivered update in either mode and across a switch between modes.
// update_id is not used as the key: after a week without updates Telegram
// picks the next update_id at random, so it could collide with an old one
// and drop a new message as a duplicate. update_id dedupes polling through
// the offset instead. A button tap is "cb:CHAT:MESSAGE" of the keyboard's
// message, so a keyboard is answered once however often it is tapped.
//
// # Normalization
//
// Only private chats are handed on (a customer is a person; group chats
// are acknowledged and logged). ExternalUserID is the chat id.
//
//   - /start (and /help): Choice "event:start" (a deep link
//     t.me/BOT?start=X gives "event:start:X"); the dialog engine greets
//     and says what the bot can do and which commands there are.
//   - every update from a user carries their app's language_code as
//     Inbound.Lang: the conversation's language until their own words
//     say otherwise (so /start, which has no words, is answered in it).
//   - /status: Choice "menu:status" (the customer's cases and progress).
//   - /human: Choice "menu:human" (hand-off to an agent).
//     Commands carry no Text, so they are never taken as answers or notes.
//   - other text, including unknown commands: Text.
//   - photo (the largest size), document, voice, audio, video, video note:
//     an Attachment with the file's bytes in Data (getFile, then a download
//     from Config.FileBaseURL); the caption is Text. The Attachment has no
//     URL: Telegram's download link contains the bot token and would end
//     up in the case record. A file that cannot be fetched is handed on
//     without Data (Name says which file), rather than holding up the chat.
//   - contact: Text is the phone number (and name); location: "lat,lng".
//   - a tap on an inline button: Choice is the button's value (see Send).
//   - edited messages, stickers and other updates are acknowledged and not
//     handed on; stickers, polls and the like go to the Rejecter with
//     reason "unsupported: KIND".
//
// # Outbound
//
// Send implements channels.Sender. Choices become an inline keyboard,
// callback_data the Choice.Value; a value over 64 bytes (Telegram's limit)
// goes as a short id mapped back in this process, and in another process
// the tapped button's label is handed on as Text instead. After a tap the
// callback query is answered and the buttons are removed, so a second tap
// does nothing; a tap on a keyboard already answered gets "already
// answered" and is not handed on again.
//
// Messages are spaced at least RateLimit.PerChat apart per chat and at
// most RateLimit.PerSecond per bot; Send waits up to RateLimit.MaxWait and
// otherwise returns *channels.RefusedError with RetryAt, which the outbox
// defers without counting a failure. A 429 is returned the same way with
// RetryAt from retry_after. A 403 (the customer blocked the bot, deleted
// the account) is a *BlockedError, which unwraps to *channels.RefusedError
// (see BlockedError for what the service should do). Telegram has no
// idempotency key: OutboxIDs sent are remembered in process, so a retry
// after a failed commit does not send twice, but a crash between the send
// and the outbox commit can.
//
// # Configuration
//
//	telegram:
//	  enabled: true
//	  token: "123456:ABC..."          # or KEFU_TELEGRAM_TOKEN_FILE
//	  mode: webhook                   # polling (default) | webhook
//	  webhook_url: https://kefu.example.com/telegram
//	  webhook_path: /telegram
//	  secret_token: "long-random-A-Za-z0-9_-"
//	  api_base_url: https://api.telegram.org
//	  file_base_url: https://api.telegram.org/file
//	  poll_timeout: 50s
//	  rate_limit: {per_chat: 1s, per_second: 25, burst: 5, max_wait: 5s}
//
// # Wiring
//
// In cmd/kefu (cfg.Telegram is a Config; m.svc implements OffsetInbox):
//
//	tg, err := telegram.New(cfg.Telegram, m.svc, telegram.Options{Now: m.Now, Logger: m.Log})
//	if err != nil {
//		return fmt.Errorf("telegram: %w", err)
//	}
//	m.svc.SetSender(channels.Telegram, tg)
//	if cfg.Telegram.Mode == telegram.Webhook {
//		mux.Handle(tg.Path(), tg)
//	}
//	go tg.Run(runCtx) // polls, or sets the webhook; returns when runCtx ends
//
// The library's BotAPI calls getMe when it is built; New does not contact
// Telegram, the first call that needs the API does (and retries on the
// next call if Telegram was unreachable).
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kefu-dev/kefu/channels"
)

// Mode is how updates arrive.
type Mode string

const (
	Polling Mode = "polling" // getUpdates, lossless (default)
	Webhook Mode = "webhook" // Telegram posts to Config.WebhookURL
)

// Config configures the channel. Durations are Go durations ("50s");
// zero values take the defaults.
type Config struct {
	Enabled bool   `yaml:"enabled"`
	Token   string `yaml:"token" secret:"true"` // from @BotFather
	Mode    Mode   `yaml:"mode"`                // polling (default) or webhook
	// WebhookURL is the public https URL Telegram posts to (webhook mode);
	// its path should be WebhookPath.
	WebhookURL  string `yaml:"webhook_url"`
	WebhookPath string `yaml:"webhook_path"` // where the handler is mounted, default /telegram
	// SecretToken is sent by Telegram in X-Telegram-Bot-Api-Secret-Token
	// (webhook mode, required): 1-256 of A-Z a-z 0-9 _ -.
	SecretToken string `yaml:"secret_token" secret:"true"`
	// APIBaseURL is where the Bot API is called (default
	// https://api.telegram.org); tests point it at a fake.
	APIBaseURL string `yaml:"api_base_url"`
	// FileBaseURL is where files are downloaded (default
	// https://api.telegram.org/file): BASE/bot<token>/<file_path>.
	FileBaseURL  string        `yaml:"file_base_url"`
	PollTimeout  time.Duration `yaml:"poll_timeout"`   // long-poll wait, default 50s
	HTTPTimeout  time.Duration `yaml:"http_timeout"`   // other API calls, default 10s
	MaxBodyBytes int           `yaml:"max_body_bytes"` // webhook body, default 1 MiB
	MaxFileBytes int64         `yaml:"max_file_bytes"` // attachment download, default 20 MiB (the Bot API's limit)
	RateLimit    RateLimit     `yaml:"rate_limit"`
	// BlockedRetry is when a message refused because the customer blocked
	// the bot is tried again (default 24h); a message from the customer
	// releases it earlier.
	BlockedRetry time.Duration `yaml:"blocked_retry"`
	// ChoicePrompt is the text of a keyboard message without text
	// (Telegram requires one), default "👇".
	ChoicePrompt string `yaml:"choice_prompt"`
}

// RateLimit holds Telegram's sending limits.
type RateLimit struct {
	PerChat   time.Duration `yaml:"per_chat"`   // least gap between messages to one chat, default 1s
	PerSecond int           `yaml:"per_second"` // messages per second for the bot, default 25
	Burst     int           `yaml:"burst"`      // bot-wide burst above PerSecond, default 5
	MaxWait   time.Duration `yaml:"max_wait"`   // longest Send waits before deferring, default 5s
}

const (
	defaultPath         = "/telegram"
	defaultAPIBase      = "https://api.telegram.org"
	defaultFileBase     = "https://api.telegram.org/file"
	defaultPollTimeout  = 50 * time.Second
	defaultHTTPTimeout  = 10 * time.Second
	defaultMaxBodyBytes = 1 << 20
	defaultMaxFileBytes = 20 << 20
	defaultBlockedRetry = 24 * time.Hour
	defaultChoicePrompt = "👇"

	// receiveTimeout bounds handing one update on; it is not tied to a
	// webhook request, so an update Telegram stopped waiting for is still
	// stored once.
	receiveTimeout = 30 * time.Second
)

var secretTokenRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func (c *Config) setDefaults() {
	if c.Mode == "" {
		c.Mode = Polling
	}
	if c.WebhookPath == "" {
		c.WebhookPath = defaultPath
	}
	if c.APIBaseURL == "" {
		c.APIBaseURL = defaultAPIBase
	}
	c.APIBaseURL = strings.TrimRight(c.APIBaseURL, "/")
	if c.FileBaseURL == "" {
		c.FileBaseURL = defaultFileBase
	}
	c.FileBaseURL = strings.TrimRight(c.FileBaseURL, "/")
	if c.PollTimeout == 0 {
		c.PollTimeout = defaultPollTimeout
	}
	if c.HTTPTimeout == 0 {
		c.HTTPTimeout = defaultHTTPTimeout
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = defaultMaxBodyBytes
	}
	if c.MaxFileBytes == 0 {
		c.MaxFileBytes = defaultMaxFileBytes
	}
	if c.BlockedRetry == 0 {
		c.BlockedRetry = defaultBlockedRetry
	}
	if c.ChoicePrompt == "" {
		c.ChoicePrompt = defaultChoicePrompt
	}
	r := &c.RateLimit
	if r.PerChat == 0 {
		r.PerChat = time.Second
	}
	if r.PerSecond == 0 {
		r.PerSecond = 25
	}
	if r.Burst == 0 {
		r.Burst = 5
	}
	if r.MaxWait == 0 {
		r.MaxWait = 5 * time.Second
	}
}

// Validate checks the configuration after defaults; errors name the key
// under "telegram.".
func (c Config) Validate() error {
	c.setDefaults()
	return c.validate()
}

func (c *Config) validate() error {
	httpURL := func(s string) bool {
		u, err := url.Parse(s)
		return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
	}
	switch {
	case c.Token == "":
		return errors.New("telegram.token: required")
	case strings.ContainsAny(c.Token, "%/?# "):
		return errors.New("telegram.token: not a bot token")
	case !httpURL(c.APIBaseURL) || strings.Contains(c.APIBaseURL, "%"):
		// The library formats the base into a Printf pattern.
		return errors.New("telegram.api_base_url: must be an http(s) URL without %")
	case !httpURL(c.FileBaseURL):
		return errors.New("telegram.file_base_url: must be an http(s) URL")
	case !strings.HasPrefix(c.WebhookPath, "/"):
		return errors.New("telegram.webhook_path: must start with /")
	case c.PollTimeout < 0 || c.PollTimeout > 10*time.Minute:
		return errors.New("telegram.poll_timeout: between 0 and 10m")
	case c.HTTPTimeout < 0:
		return errors.New("telegram.http_timeout: must not be negative")
	case c.MaxBodyBytes < 1024:
		return errors.New("telegram.max_body_bytes: at least 1024")
	case c.MaxFileBytes < 0:
		return errors.New("telegram.max_file_bytes: must not be negative")
	case c.BlockedRetry < 0:
		return errors.New("telegram.blocked_retry: must not be negative")
	case c.RateLimit.PerChat < 0 || c.RateLimit.PerSecond < 0 || c.RateLimit.Burst < 0 || c.RateLimit.MaxWait < 0:
		return errors.New("telegram.rate_limit: values must not be negative")
	}
	switch c.Mode {
	case Polling:
	case Webhook:
		u, err := url.Parse(c.WebhookURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return errors.New("telegram.webhook_url: an https URL is required in webhook mode")
		}
		if !secretTokenRe.MatchString(c.SecretToken) {
			return errors.New("telegram.secret_token: required in webhook mode, 1-256 of A-Z a-z 0-9 _ -")
		}
	default:
		return fmt.Errorf("telegram.mode: %q is not polling or webhook", c.Mode)
	}
	return nil
}

// Redacted returns a copy safe to print.
func (c Config) Redacted() Config {
	for _, s := range []*string{&c.Token, &c.SecretToken} {
		if *s != "" {
			*s = "xxxxx"
		}
	}
	return c
}

// Options are the channel's collaborators; nil fields take defaults.
type Options struct {
	// HTTPClient calls the API; every call carries its own context and
	// deadline, so the client needs no timeout.
	HTTPClient *http.Client
	Now        func() time.Time
	// After is time.After; tests pass a fake so waits take no real time.
	After  func(time.Duration) <-chan time.Time
	Logger *slog.Logger
}

// Channel is the Telegram channel: an http.Handler for the webhook, a
// poller (Run, Poll) and a channels.Sender.
type Channel struct {
	cfg   Config
	inbox channels.Inbox
	http  *http.Client
	now   func() time.Time
	after func(time.Duration) <-chan time.Time
	log   *slog.Logger
	limit *limiter

	mu   sync.Mutex
	bot  *tgbotapi.BotAPI // set by the first successful getMe
	seen recent           // callback query ids answered, OutboxIDs sent
	data map[string]string
	// keyboards is the chat's message that still shows buttons: a newer
	// question makes them stale, so they are removed when it is sent and
	// an old button can never answer the new question.
	keyboards map[int64]int
}

var (
	_ channels.Sender = (*Channel)(nil)
	_ http.Handler    = (*Channel)(nil)
)

// New returns the channel. It does not contact Telegram. In polling mode
// the inbox must implement OffsetInbox.
func New(cfg Config, inbox channels.Inbox, opt Options) (*Channel, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if inbox == nil {
		return nil, errors.New("telegram: no inbox")
	}
	if _, ok := inbox.(OffsetInbox); !ok && cfg.Mode == Polling {
		return nil, errors.New("telegram.mode: polling needs an inbox that keeps the offset (telegram.OffsetInbox)")
	}
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.After == nil {
		opt.After = time.After
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &Channel{
		cfg: cfg, inbox: inbox, http: opt.HTTPClient, now: opt.Now, after: opt.After,
		log:   opt.Logger.With("channel", string(channels.Telegram)),
		limit: newLimiter(cfg.RateLimit),
		seen:  recent{max: 4096},
		data:  map[string]string{},
	}, nil
}

// Path is where to mount the webhook handler.
func (c *Channel) Path() string { return c.cfg.WebhookPath }

// Run receives updates until ctx ends: it polls, or in webhook mode
// registers the webhook (retrying until it succeeds) and waits. It
// returns nil when ctx ends.
func (c *Channel) Run(ctx context.Context) error {
	if c.cfg.Mode == Polling {
		return c.Poll(ctx)
	}
	for attempt := 0; ; attempt++ {
		err := c.SetWebhook(ctx)
		if err == nil {
			break
		}
		c.log.ErrorContext(ctx, "telegram: set webhook", "err", err, "attempt", attempt+1)
		if !c.sleep(ctx, backoff(attempt)) {
			return nil
		}
	}
	<-ctx.Done()
	return nil
}

// api returns the library's client bound to ctx: a copy of the BotAPI
// whose HTTP client carries ctx, since the library's calls take none.
func (c *Channel) api(ctx context.Context) (*tgbotapi.BotAPI, error) {
	c.mu.Lock()
	bot := c.bot
	c.mu.Unlock()
	if bot == nil {
		cctx, cancel := context.WithTimeout(ctx, c.cfg.HTTPTimeout)
		defer cancel()
		// The constructor calls getMe: it checks the token and gives the
		// bot's id (the offset's key) and username (commands).
		b, err := tgbotapi.NewBotAPIWithClient(c.cfg.Token, c.cfg.APIBaseURL+"/bot%s/%s", ctxDoer{cctx, c.http})
		if err != nil {
			return nil, c.scrub("getMe", err)
		}
		c.mu.Lock()
		if c.bot == nil {
			c.bot = b
			c.log.InfoContext(ctx, "telegram: connected", "bot_id", b.Self.ID, "bot", b.Self.UserName)
		}
		bot = c.bot
		c.mu.Unlock()
	}
	cp := *bot
	cp.Client = ctxDoer{ctx, c.http}
	return &cp, nil
}

// call makes one API request by method name (for what the library has
// no config for, or lacks fields of) with the HTTP timeout; Telegram's
// refusals come back as *tgbotapi.Error.
func (c *Channel) call(ctx context.Context, method string, p tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	return c.with(ctx, method, func(b *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return b.MakeRequest(method, p) })
}

// request sends one of the library's configs.
func (c *Channel) request(ctx context.Context, what string, ch tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	return c.with(ctx, what, func(b *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return b.Request(ch) })
}

func (c *Channel) with(ctx context.Context, what string, fn func(*tgbotapi.BotAPI) (*tgbotapi.APIResponse, error)) (*tgbotapi.APIResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.HTTPTimeout)
	defer cancel()
	bot, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := fn(bot)
	if err != nil {
		return resp, c.scrub(what, err)
	}
	return resp, nil
}

// ctxDoer gives the library's requests a context.
type ctxDoer struct {
	ctx context.Context
	c   *http.Client
}

func (d ctxDoer) Do(r *http.Request) (*http.Response, error) { return d.c.Do(r.WithContext(d.ctx)) }

// scrub names the method and removes the bot token from transport errors
// (their URL contains it), so it reaches neither logs nor the outbox's
// error column. Telegram's own errors pass unchanged.
func (c *Channel) scrub(method string, err error) error {
	var tg *tgbotapi.Error
	if errors.As(err, &tg) {
		return err
	}
	var cause error = err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err
	}
	msg := strings.ReplaceAll(err.Error(), c.cfg.Token, "<token>")
	return &scrubbedError{msg: "telegram " + method + ": " + msg, err: cause}
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// sleep waits d on the channel's clock; false when ctx ended first.
func (c *Channel) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	select {
	case <-ctx.Done():
		return false
	case <-c.after(d):
		return true
	}
}

// backoff is the wait before retry attempt+1: 1s doubling to 1m.
func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 6)
	return min(d, time.Minute)
}

// detached is the context updates are handed on under: the caller's values
// without its cancellation (see receiveTimeout).
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), receiveTimeout)
}

// recent is a bounded set of keys, oldest forgotten first.
type recent struct {
	max   int
	keys  map[string]bool
	order []string
}

func (r *recent) has(k string) bool { return r.keys[k] }

func (r *recent) add(k string) {
	if r.keys == nil {
		r.keys = map[string]bool{}
	}
	if r.keys[k] {
		return
	}
	r.keys[k] = true
	r.order = append(r.order, k)
	if len(r.order) > r.max {
		delete(r.keys, r.order[0])
		r.order = r.order[1:]
	}
}
