// Package wechat is the WeChat Official Account channel (公众号): the
// webhook WeChat posts customer messages to, passive replies within the
// 5-second rule, customer-service messages (客服消息) through the API with
// the 48-hour window and quota kept per customer, template messages as the
// fallback for progress updates, a shared access token and the custom menu.
//
// # Inbound
//
// Channel is an http.Handler for Config.Path. GET answers WeChat's URL
// check (echostr); POST takes messages in plaintext, compatible and safe
// (AES) modes. Requests are authenticated by signature (and msg_signature
// when encrypted), compared in constant time, and by a timestamp within
// Config.TimestampWindow; anything else gets 403 and a log line and is not
// handed on. Bodies above Config.MaxBodyBytes get 413; unparseable XML gets
// 400 and its raw body goes to the inbox's channels.Rejecter.
//
// Messages are normalized into channels.Inbound (Channel WeChat,
// ExternalUserID the OpenID, ExternalMessageID the MsgId, or
// "ev:OPENID:CREATETIME:EVENT" for events, which have none):
//
//   - text: Text; a tap on a msgmenu sent by Send also sets Choice to the
//     tapped Choice.Value (the mapping is kept in the WindowStore).
//   - image: one Attachment (Name the MediaId, URL the PicUrl).
//   - voice: Text is WeChat's recognition when present, else an
//     Attachment (Name the MediaId).
//   - video, shortvideo: an Attachment (Name the MediaId).
//   - location: Text is the label (an address), else "lat,lng".
//   - link: Text is title, description and URL on separate lines.
//   - subscribe: Choice "event:subscribe" ("event:subscribe:SCENE" when
//     through a parametric QR code); the engine greets and says what the
//     bot can do.
//   - SCAN: Choice "event:scan:SCENE".
//   - CLICK: Choice is the button's key (see DefaultMenu: menu:repair,
//     menu:status, menu:human).
//   - unsubscribe and VIEW are acknowledged and not handed on: nobody can
//     be answered after unsubscribing (the window is closed at once), and
//     opening a menu link is not something to answer.
//   - other types go to the Rejecter with reason "unsupported: TYPE" and
//     get `success`, so WeChat does not show an error to the customer.
//
// # Replies and the 5-second rule
//
// After handing a message on, the request waits up to Config.ReplyBudget
// for the bot's reply: the outbox worker's call to Send finds the waiting
// request of that OpenID and the reply goes out in the HTTP response (a
// passive reply, which uses no quota). After the budget the request answers
// `success` and replies go through the customer-service API. `success` is
// written in plain text in every mode: in safe mode an encrypted empty
// reply, which the SDK would produce, makes WeChat show "该公众号暂时无法
// 提供服务". Only text goes passively; a reply with choices goes as a
// msgmenu through the API (the customer taps), releasing the waiting
// request first so replies keep their order. Each request carries at most
// one passive reply; further replies use the API.
//
// Retries: WeChat resends a message it got no answer for within 5 s (up to
// 3 times, sometimes while the first request still runs). Every copy is
// handed to the inbox, which stores it once (Receipt.Duplicate). While a
// copy of the same message is still running in this process, the newest
// copy takes over the wait and the older ones answer `success` at once:
// WeChat resends because it gave up on the earlier connection, so only the
// newest can still deliver a passive reply. A copy arriving when no other
// is running answers `success` at once; the reply, if any, went or goes by
// the API. Either way there is one reply. Across processes the same holds
// except that a passive reply may go to a connection WeChat abandoned, if
// a retry reached another process; budgets below 5 s make that rare.
//
// # Outbound
//
// Send uses the customer-service API within the customer's window (48 h
// and 5 messages after each customer message, 3 within 1 minute after a
// menu click, subscription or scan; see WindowConfig). When the window is
// closed or the quota used up, Send returns *channels.RefusedError, and so
// for errcode 45015, 45047 and 45009 (the account's daily quota, RetryAt
// the next midnight Beijing time). The service then calls Fallback, which
// sends a template message for the kinds in Config.Templates and refuses
// the others, so they are deferred. Access tokens come from the stable
// token API and are shared through the token cache; on 40001/42001 the
// token is fetched again and the call retried once.
//
// The API client is this package's own, not the SDK's: the SDK's hosts are
// constants rewritten only by the process-global util.SetURIModifier, its
// default HTTP client has no timeout and its calls take no context. From
// the SDK this package uses the message types and the cache.Cache
// interface (the Redis token cache implements it).
//
// # Wiring
//
// In cmd/kefu (cfg.WeChat is a Config):
//
//	wc, err := wechat.New(cfg.WeChat, m.svc, wechat.Options{Now: m.Now, Logger: m.Log})
//	if err != nil {
//		return fmt.Errorf("wechat: %w", err)
//	}
//	m.svc.SetSender(channels.WeChat, wc)
//	mux.Handle(wc.Path(), wc)
//	// and wc.Close() on shutdown (closes the Redis client, if any).
//
// `kefu wechat menu push` is wc.PushMenu(ctx, cfg.WeChat.Menu).
//
// Passive-reply waits are in-process: the reply must be sent by the
// process holding the request. Policy's ReplyInRequest has the outbox keep
// a reply for the process that took the message in, for ReplyBudget; only
// when that process cannot send it in time does another send it by the
// API.
//
// # Sent once
//
// Send is idempotent per OutboxID: the WindowStore records every OutboxID
// that went out, by the API (when WeChat accepted it) or passively (by
// the webhook request that wrote it, right after flushing a response of
// known length), and Send checks that record before anything else, so an
// outbox row tried again after a crash (its lease expired) sends nothing
// twice. The window store is kefu's database by default (StateWindowStore;
// Redis with Config.RedisURL), so the record survives restarts. One window
// cannot be closed: WeChat's customer-service and passive replies take no
// idempotency key, so a crash after WeChat accepted a message and before
// the record was written (one database write, milliseconds) sends it again
// on the next attempt. Recording first would instead lose the message on
// such a crash; a duplicate is the lesser harm. Template messages carry
// client_msg_id, which WeChat deduplicates itself.
package wechat

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/cache"

	"github.com/kefu-dev/kefu/channels"
)

// Mode is the message security mode set in the Official Account's
// console (消息加解密方式).
type Mode string

const (
	Plaintext  Mode = "plaintext"  // 明文模式
	Compatible Mode = "compatible" // 兼容模式: both, the ciphertext is used
	Safe       Mode = "safe"       // 安全模式: AES only
)

// Config configures the channel. Durations are Go durations ("3s");
// zero values take the defaults.
type Config struct {
	Enabled        bool   `yaml:"enabled"`
	Token          string `yaml:"token" secret:"true"`
	AppID          string `yaml:"app_id"`
	AppSecret      string `yaml:"app_secret" secret:"true"`
	EncodingAESKey string `yaml:"encoding_aes_key" secret:"true"` // 43 characters
	Mode           Mode   `yaml:"mode"`                           // default plaintext
	Path           string `yaml:"path"`                           // default /wechat
	// APIBaseURL is where the API is called (default
	// https://api.weixin.qq.com); tests point it at a fake.
	APIBaseURL string `yaml:"api_base_url"`
	// ReplyBudget is how long a webhook request waits for a passive reply
	// (default 3s; WeChat gives up after 5s).
	ReplyBudget time.Duration `yaml:"reply_budget"`
	// TimestampWindow is how far a request's timestamp may be from our
	// clock (default 5m).
	TimestampWindow time.Duration `yaml:"timestamp_window"`
	MaxBodyBytes    int           `yaml:"max_body_bytes"` // default 64 KiB
	HTTPTimeout     time.Duration `yaml:"http_timeout"`   // API calls, default 10s
	Window          WindowConfig  `yaml:"window"`
	// Templates maps an Outbound.Kind ("progress", "status") to the
	// template message Fallback sends when Send was refused.
	Templates map[string]Template `yaml:"templates"`
	Menu      Menu                `yaml:"menu"`
	// RedisURL, when set, shares the access token and the windows between
	// processes (redis://host:6379/0).
	RedisURL string `yaml:"redis_url" secret:"true"`
}

// WindowConfig holds WeChat's customer-service message rules.
type WindowConfig struct {
	MessageWindow time.Duration `yaml:"message_window"` // default 48h
	PerMessage    int           `yaml:"per_message"`    // default 5
	EventWindow   time.Duration `yaml:"event_window"`   // default 1m
	PerEvent      int           `yaml:"per_event"`      // default 3
	// Reserve is how many sends of a customer message's allowance routine
	// progress updates leave for what must reach the customer (the
	// resolution, the function check): default 2, -1 none. A progress
	// update that would spend them goes by template or waits.
	Reserve int `yaml:"reserve"`
}

// Template is a template message (模板消息) for one Outbound.Kind.
type Template struct {
	TemplateID string `yaml:"template_id"`
	URL        string `yaml:"url"` // opened when the customer taps, optional
	// Fields maps the template's keys to text/template strings over
	// TemplateData, e.g. {"thing1": "{{truncate 20 .Text}}", "time2":
	// "{{.Time}}"}.
	Fields map[string]string `yaml:"fields"`
}

const (
	defaultPath            = "/wechat"
	defaultAPIBase         = "https://api.weixin.qq.com"
	defaultReplyBudget     = 3 * time.Second
	defaultTimestampWindow = 5 * time.Minute
	defaultMaxBodyBytes    = 64 << 10
	defaultHTTPTimeout     = 10 * time.Second

	// receiveTimeout bounds storing one message. It is not tied to the
	// request: a message WeChat stopped waiting for is still stored once.
	receiveTimeout = 30 * time.Second
)

func (c *Config) setDefaults() {
	if c.Mode == "" {
		c.Mode = Plaintext
	}
	if c.Path == "" {
		c.Path = defaultPath
	}
	if c.APIBaseURL == "" {
		c.APIBaseURL = defaultAPIBase
	}
	c.APIBaseURL = strings.TrimRight(c.APIBaseURL, "/")
	if c.ReplyBudget == 0 {
		c.ReplyBudget = defaultReplyBudget
	}
	if c.TimestampWindow == 0 {
		c.TimestampWindow = defaultTimestampWindow
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = defaultMaxBodyBytes
	}
	if c.HTTPTimeout == 0 {
		c.HTTPTimeout = defaultHTTPTimeout
	}
	w := &c.Window
	if w.MessageWindow == 0 {
		w.MessageWindow = 48 * time.Hour
	}
	if w.PerMessage == 0 {
		w.PerMessage = 5
	}
	if w.EventWindow == 0 {
		w.EventWindow = time.Minute
	}
	if w.PerEvent == 0 {
		w.PerEvent = 3
	}
	if w.Reserve == 0 {
		w.Reserve = 2
	}
}

// Validate checks the configuration after defaults; errors name the key
// under "wechat.".
func (c Config) Validate() error {
	c.setDefaults()
	_, err := c.validate()
	return err
}

// validate returns the AES key (nil in plaintext mode without one).
func (c *Config) validate() ([]byte, error) {
	switch {
	case c.Token == "":
		return nil, errors.New("wechat.token: required")
	case c.AppID == "":
		return nil, errors.New("wechat.app_id: required")
	case c.AppSecret == "":
		return nil, errors.New("wechat.app_secret: required")
	case !strings.HasPrefix(c.Path, "/"):
		return nil, errors.New("wechat.path: must start with /")
	case !strings.HasPrefix(c.APIBaseURL, "https://") && !strings.HasPrefix(c.APIBaseURL, "http://"):
		return nil, errors.New("wechat.api_base_url: must be an http(s) URL")
	case c.ReplyBudget < 0 || c.ReplyBudget >= 5*time.Second:
		return nil, errors.New("wechat.reply_budget: must be below 5s, WeChat's own limit")
	case c.TimestampWindow < 0:
		return nil, errors.New("wechat.timestamp_window: must not be negative")
	case c.MaxBodyBytes < 1024:
		return nil, errors.New("wechat.max_body_bytes: at least 1024")
	case c.HTTPTimeout < 0:
		return nil, errors.New("wechat.http_timeout: must not be negative")
	case c.Window.MessageWindow < 0 || c.Window.PerMessage < 0 || c.Window.EventWindow < 0 || c.Window.PerEvent < 0:
		return nil, errors.New("wechat.window: values must not be negative")
	case c.Window.Reserve < -1:
		return nil, errors.New("wechat.window.reserve: -1 (none) or more")
	}
	switch c.Mode {
	case Plaintext, Compatible, Safe:
	default:
		return nil, fmt.Errorf("wechat.mode: %q is not plaintext, compatible or safe", c.Mode)
	}
	var key []byte
	if c.EncodingAESKey != "" || c.Mode != Plaintext {
		var err error
		if key, err = aesKey(c.EncodingAESKey); err != nil {
			return nil, fmt.Errorf("wechat.encoding_aes_key: %w", err)
		}
	}
	for kind, t := range c.Templates {
		if t.TemplateID == "" || len(t.Fields) == 0 {
			return nil, fmt.Errorf("wechat.templates.%s: template_id and fields required", kind)
		}
		if _, err := parseFields(t.Fields); err != nil {
			return nil, fmt.Errorf("wechat.templates.%s.fields: %w", kind, err)
		}
	}
	if len(c.Menu.Buttons) > 0 {
		if err := c.Menu.Validate(); err != nil {
			return nil, fmt.Errorf("wechat.menu: %w", err)
		}
	}
	return key, nil
}

// Redacted returns a copy safe to print.
func (c Config) Redacted() Config {
	for _, s := range []*string{&c.Token, &c.AppSecret, &c.EncodingAESKey} {
		if *s != "" {
			*s = "xxxxx"
		}
	}
	if c.RedisURL != "" {
		// Rebuilt, not replaced in the text: "redis://pw:pw@host" would
		// mask the user and show the password (found by configs.FuzzLoad).
		c.RedisURL = redactURL(c.RedisURL)
	}
	return c
}

// redactURL masks a URL's password, in its user info or its query.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "xxxxx" // cannot tell where the password is
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// aesKey decodes an EncodingAESKey: 43 base64 characters without the
// trailing "=", 32 bytes of AES-256 key.
func aesKey(s string) ([]byte, error) {
	if len(s) != 43 {
		return nil, errors.New("must be 43 characters")
	}
	k, err := base64.StdEncoding.DecodeString(s + "=")
	if err != nil || len(k) != 32 {
		return nil, errors.New("not valid base64 of 32 bytes")
	}
	return k, nil
}

// Options are the channel's collaborators; nil fields take defaults.
type Options struct {
	// HTTPClient calls the API (default: a client with Config.HTTPTimeout).
	HTTPClient *http.Client
	// Tokens caches the access token (default: Redis when
	// Config.RedisURL is set, else in process). Values are strings.
	Tokens cache.Cache
	// Windows keeps each customer's window (default: Redis when
	// Config.RedisURL is set, else in process). cmd/kefu passes a
	// StateWindowStore on kefu's database when there is no Redis: in
	// process, a restart forgets every window and stops delivery.
	Windows WindowStore
	Now     func() time.Time
	// After is time.After; tests pass a fake to end reply waits.
	After  func(time.Duration) <-chan time.Time
	Logger *slog.Logger
}

// Channel is the WeChat channel: the webhook (http.Handler), a
// channels.Sender and a channels.Fallbacker.
type Channel struct {
	cfg     Config
	key     []byte
	inbox   channels.Inbox
	api     *api
	windows WindowStore
	tmpl    map[string]*compiledTemplate
	now     func() time.Time
	after   func(time.Duration) <-chan time.Time
	log     *slog.Logger
	waits   waits
	redis   *redis.Client // owned, closed by Close
	closeMu sync.Once
}

var (
	_ channels.Sender     = (*Channel)(nil)
	_ channels.Fallbacker = (*Channel)(nil)
	_ http.Handler        = (*Channel)(nil)
)

// New returns the channel. It does not contact WeChat or Redis.
func New(cfg Config, inbox channels.Inbox, opt Options) (*Channel, error) {
	cfg.setDefaults()
	key, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	if inbox == nil {
		return nil, errors.New("wechat: no inbox")
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
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{Timeout: cfg.HTTPTimeout}
	}
	c := &Channel{
		cfg: cfg, key: key, inbox: inbox, now: opt.Now, after: opt.After,
		log:   opt.Logger.With("channel", string(channels.WeChat)),
		waits: waits{byUser: map[string]*waiter{}, inflight: map[string]int{}},
	}
	if c.tmpl, err = compileTemplates(cfg.Templates); err != nil {
		return nil, err
	}
	if cfg.RedisURL != "" && (opt.Tokens == nil || opt.Windows == nil) {
		o, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			return nil, fmt.Errorf("wechat.redis_url: %w", err)
		}
		c.redis = redis.NewClient(o)
		if opt.Tokens == nil {
			opt.Tokens = NewRedisTokenCache(c.redis, "")
		}
		if opt.Windows == nil {
			opt.Windows = NewRedisWindowStore(c.redis, "", cfg.Window.MessageWindow+24*time.Hour)
		}
	}
	if opt.Tokens == nil {
		opt.Tokens = cache.NewMemory()
	}
	if opt.Windows == nil {
		opt.Windows = NewMemoryWindowStore(opt.Now)
	}
	c.windows = opt.Windows
	c.api = &api{
		base: cfg.APIBaseURL, appID: cfg.AppID, secret: cfg.AppSecret,
		http: opt.HTTPClient, tokens: opt.Tokens, log: c.log,
	}
	return c, nil
}

// Path is where to mount the channel.
func (c *Channel) Path() string { return c.cfg.Path }

// Close releases the Redis client the channel opened itself.
func (c *Channel) Close() error {
	var err error
	c.closeMu.Do(func() {
		if c.redis != nil {
			err = c.redis.Close()
		}
	})
	return err
}

// detached is the context messages are stored under: the request's values
// without its cancellation (see receiveTimeout).
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), receiveTimeout)
}
