package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/channels/email"
	"github.com/kefu-dev/kefu/channels/telegram"
	"github.com/kefu-dev/kefu/channels/webchat"
	"github.com/kefu-dev/kefu/channels/webhook"
	"github.com/kefu-dev/kefu/channels/wechat"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/console"
	"github.com/kefu-dev/kefu/console/web"
	"github.com/kefu-dev/kefu/internal/lease"
	"github.com/kefu-dev/kefu/internal/metrics"
	"github.com/kefu-dev/kefu/internal/reportxlsx"
	"github.com/kefu-dev/kefu/internal/spool"
	"github.com/kefu-dev/kefu/internal/telemetry"
	"github.com/kefu-dev/kefu/internal/wake"
	"github.com/kefu-dev/kefu/service"
	"github.com/kefu-dev/kefu/store/postgres"
	"github.com/kefu-dev/kefu/store/sqlite"
)

// Main is the running program, separate from main() so end-to-end tests
// start exactly what `kefu serve` starts.
type Main struct {
	Config configs.Config
	Log    *slog.Logger
	Now    func() time.Time

	store   service.Store
	wechat  *wechat.Channel
	svc     *service.Service
	srv     *http.Server
	ln      net.Listener
	admin   *http.Server
	adminLn net.Listener
	closers []func() error // closed last, after the servers
	bus     *wake.Bus      // cross-process wake-ups (PostgreSQL only)
	intake  *spool.Intake  // nil when spooling is off
	metrics *metrics.Metrics
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	closeMu sync.Once
}

// NewMain returns a Main logging to w.
func NewMain(cfg configs.Config, w io.Writer) *Main {
	return &Main{Config: cfg, Log: newLogger(cfg, w), Now: time.Now}
}

func newLogger(cfg configs.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// intakeLimit is how many customers' messages may be in the store at
// once. On PostgreSQL all connections but one: with every connection taken
// by intake at 300 posts/s, each outbox claim queued ~0.6 s and answers
// fell 7 s behind (issue 12). SQLite writes one transaction at a time; a
// few messages in line keep it busy while the outbox still gets its turns.
// Measured with kefu load on SQLite, web chat: without a limit 400 posts/s
// left 1746 of 4000 unanswered after 10 s; with 4, 300/s were answered
// with p99 71 ms (unlimited: 356 ms) and at 1,000/s every accepted post
// was answered within 1.4 s, the rest told to retry.
func intakeLimit(st service.Store) int {
	if p, ok := st.(interface{ Conns() int }); ok {
		return max(1, p.Conns()-1)
	}
	return sqliteIntake
}

const sqliteIntake = 4

// openStore opens (and migrates) the configured database.
func openStore(ctx context.Context, cfg configs.Config, log *slog.Logger, now func() time.Time) (service.Store, error) {
	if cfg.Postgres() {
		return postgres.Open(ctx, cfg.Database.URL, postgres.Options{Logger: log, Now: now})
	}
	return sqlite.Open(ctx, cfg.SQLitePath(), sqlite.Options{Logger: log, Now: now})
}

func migrate(ctx context.Context, cfg configs.Config) error {
	st, err := openStore(ctx, cfg, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		return err
	}
	return st.Close()
}

// consoleTopic is the bus topic of "the console's lists changed".
const consoleTopic = "console"

// consolePoll is how often the console's live lists read the database
// when no change was announced: a fallback for a lost signal.
const consolePoll = 5 * time.Second

// Run starts kefu and returns once it is serving.
func (m *Main) Run(ctx context.Context) error {
	cfg := m.Config
	engine, err := cfg.Engine()
	if err != nil {
		return err
	}
	canned, err := cfg.Canned()
	if err != nil {
		return err
	}
	carePlan, err := cfg.CarePlan()
	if err != nil {
		return err
	}
	if m.store, err = openStore(ctx, cfg, m.Log, m.Now); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	var outboxReader metrics.OutboxReader
	if r, ok := m.store.(metrics.OutboxReader); ok {
		outboxReader = r
	}
	m.metrics = metrics.New(outboxReader, m.Now, m.Log)
	var tracer trace.Tracer
	if ep := cfg.Telemetry.OTLPEndpoint; ep != "" {
		host, _ := os.Hostname()
		t, err := telemetry.Open(ctx, telemetry.Options{Endpoint: ep, Service: cfg.Telemetry.ServiceName, Instance: host})
		if err != nil {
			return err
		}
		tracer = t
		m.closers = append(m.closers, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return t.Close(ctx)
		})
	}
	m.svc = service.New(service.Options{
		Observer: m.metrics, Tracer: tracer,
		LaneGate: m.laneGate(cfg),
		Store:    m.store, Engine: engine, SLA: cfg.SLA, Now: m.Now, Logger: m.Log,
		OutboxPoll: cfg.Outbox.PollInterval, OutboxLease: cfg.Outbox.Lease,
		OutboxBatch: cfg.Outbox.Batch, OutboxMaxAttempts: cfg.Outbox.MaxAttempts, OutboxWorkers: cfg.Outbox.Workers,
		Webhooks:    subscribers(cfg.Webhooks),
		Lifecycle:   lifecycle(cfg),
		Canned:      canned,
		Care:        carePlan,
		IntakeLimit: intakeLimit(m.store), IntakeWait: cfg.Server.IntakeWait,
		Monthly: service.MonthlyReport{Enabled: cfg.Reports.Monthly.Enabled, Recipients: cfg.Reports.Monthly.Recipients,
			Lang: cfg.Reports.Monthly.Language, CheckEvery: cfg.Reports.Monthly.CheckInterval, Book: reportxlsx.Book{}},
	})
	m.svc.SetSender(service.WebhookChannel, webhook.New(cfg.Webhooks, nil, m.Now))

	// Webhook channels hand pushes to the spool's intake, which keeps
	// them on disk while the database is unreachable; pulled channels
	// (polling, IMAP) simply do not move their position then.
	var inbox channels.Inbox = m.svc
	if dir := cfg.SpoolPath(); dir != "" {
		q, err := spool.OpenQueue(dir, spool.QueueOptions{Logger: m.Log})
		if err != nil {
			return fmt.Errorf("server.spool_dir: %w", err)
		}
		m.closers = append(m.closers, q.Close)
		m.intake = spool.NewIntake(q, m.svc, spool.Options{
			Refused: service.Refused, Logger: m.Log, HandTimeout: cfg.Server.SpoolAfter,
			Ready: func(ctx context.Context) error {
				_, err := m.store.OutboxPending(ctx)
				return err
			},
		})
		inbox = m.intake
		m.metrics.WatchSpool(m.intake.Len)
		if n := q.Len(); n > 0 {
			m.Log.Warn("spool: messages left from before; replaying", "count", n, "dir", dir)
		}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	ready := &readiness{}
	ready.add("database", func(ctx context.Context) error {
		if _, err := m.store.OutboxPending(ctx); err != nil {
			return fmt.Errorf("database: %w", err)
		}
		return nil
	})
	if cfg.WeChat.Enabled && cfg.WeChat.RedisURL != "" {
		check, closeFn, err := redisCheck(cfg.WeChat.RedisURL)
		if err != nil {
			return fmt.Errorf("wechat.redis_url: %w", err)
		}
		ready.add("redis", check)
		m.closers = append(m.closers, closeFn)
	}
	mux.Handle("GET /readyz", ready)
	// The staff API: the agent console and integrations use it.
	mux.Handle(console.Prefix, console.New(m.svc.Team(), m.Log.With("component", "console")).Handler())
	// The console in the browser, on the same service methods.
	// Live lists read the database when something changed, in this process
	// or (through the bus) another; the poll is only their fallback.
	cons, err := web.New(m.svc.Team(), web.Options{Now: m.Now, Logger: m.Log.With("component", "console-web"),
		Zone: engine.ZoneLocation(cfg.Dialog.Timezone), SecureCookies: strings.HasPrefix(cfg.Server.PublicURL, "https://"),
		Poll: consolePoll})
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	if cfg.Postgres() {
		bus, err := wake.Open(ctx, cfg.Database.URL, m.Log)
		if err != nil {
			return err
		}
		m.closers = append(m.closers, func() error { bus.Close(); return nil })
		m.bus = bus
		bus.Subscribe(consoleTopic, func(string) { cons.Changed() })
		m.svc.OnChange(func() { bus.Publish(ctx, consoleTopic, "") })
	} else {
		m.svc.OnChange(cons.Changed)
	}
	mux.Handle(web.Prefix, cons.Handler())
	mux.Handle("GET /console", http.RedirectHandler(web.Prefix, http.StatusMovedPermanently))
	if cfg.WeChat.Enabled {
		wopt := wechat.Options{Now: m.Now, Logger: m.Log}
		if cfg.WeChat.RedisURL == "" {
			// The windows in the database, not in memory: a restart must
			// not close every customer's window (issue 12).
			st, ok := m.store.(wechat.StateStore)
			if !ok {
				return fmt.Errorf("wechat: database %T keeps no channel state", m.store)
			}
			wopt.Windows = wechat.NewStateWindowStore(st, "", max(cfg.WeChat.Window.MessageWindow, 48*time.Hour)+24*time.Hour)
		}
		wc, err := wechat.New(cfg.WeChat, inbox, wopt)
		if err != nil {
			return fmt.Errorf("wechat: %w", err)
		}
		if m.intake != nil {
			m.intake.SetReplayer(channels.WeChat, wc)
		}
		m.wechat = wc
		m.svc.SetSender(channels.WeChat, wc)
		mux.Handle(wc.Path(), wc)
	}
	var tg *telegram.Channel
	if cfg.Telegram.Enabled {
		// Polling keeps its offset in the database instead: nothing is
		// lost while it is away.
		var tin channels.Inbox = telegramInbox{m.svc}
		if cfg.Telegram.Mode == telegram.Webhook {
			tin = inbox
		}
		if tg, err = telegram.New(cfg.Telegram, tin, telegram.Options{Now: m.Now, Logger: m.Log}); err != nil {
			return fmt.Errorf("telegram: %w", err)
		}
		m.svc.SetSender(channels.Telegram, tg)
		if cfg.Telegram.Mode == telegram.Webhook {
			mux.Handle(tg.Path(), tg)
		}
	}
	var mail *email.Channel
	if cfg.Email.Enabled {
		st := emailStore{st: m.store, prefix: cfg.Email.IMAP.Username + "@" + cfg.Email.IMAP.Addr, now: m.Now}
		if mail, err = email.New(cfg.Email, m.svc, email.Options{
			Positions: st, Threads: st, Now: m.Now, Logger: m.Log,
			CaseNumber: m.svc.CaseNumberOf, Texts: emailTexts(engine),
		}); err != nil {
			return fmt.Errorf("email: %w", err)
		}
		m.svc.SetSender(channels.Email, mail)
	}
	if cfg.Webchat.Enabled {
		wc := webchat.New(webchat.Config{
			MaxMessageBytes: cfg.Webchat.MaxMessageBytes, PollInterval: cfg.Webchat.PollInterval, Title: cfg.Webchat.Title,
			FrameAncestors: cfg.Webchat.FrameAncestors,
		}, inbox, m.svc, m.Now, m.Log)
		m.svc.SetSender(channels.WebChat, wc)
		mux.Handle("/", wc.Handler())
		if m.bus != nil {
			// Streams open on other processes learn of new messages now.
			m.bus.Subscribe(webchat.Topic, wc.Wake)
			wc.SetBroadcaster(m.bus)
		}
	}

	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m.cancel = cancel
	if _, _, err := m.svc.ReplanCare(ctx); err != nil {
		return fmt.Errorf("care plan: %w", err)
	}
	if err := m.store.TimersStart(runCtx, m.observeTimers(m.svc.HandleTimer)); err != nil {
		return fmt.Errorf("timers: %w", err)
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		_ = m.svc.RunOutbox(runCtx)
	}()
	if m.intake != nil {
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			_ = m.intake.Run(runCtx)
		}()
	}
	if cfg.Reports.Monthly.Enabled {
		// Every process looks; the database lets one month go out once.
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			_ = m.svc.RunMonthlyReport(runCtx)
		}()
	}
	if m.bus != nil {
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			m.bus.Run(runCtx)
		}()
	}
	if mail != nil {
		// One reader per mailbox, in whichever process holds its lease.
		m.exclusive(runCtx, "email:"+cfg.Email.IMAP.Username+"@"+cfg.Email.IMAP.Addr, mail.Run)
	}
	if tg != nil {
		if cfg.Telegram.Mode == telegram.Webhook {
			// Registers the webhook; every process serves it.
			m.wg.Add(1)
			go func() {
				defer m.wg.Done()
				if err := tg.Run(runCtx); err != nil && runCtx.Err() == nil {
					m.Log.Error("telegram stopped", "err", err)
				}
			}()
		} else {
			// Telegram answers a second poller of the same bot with 409.
			m.exclusive(runCtx, "telegram:"+tokenID(cfg.Telegram.Token), tg.Run)
		}
	}

	if m.ln, err = net.Listen("tcp", cfg.Server.Addr); err != nil {
		return fmt.Errorf("server.addr: %w", err)
	}
	// Streams (SSE) end only when their request context ends, so shutdown
	// cancels the base context of every request; a request cut short rolls
	// back and the client retries with the same message id.
	baseCtx, baseCancel := context.WithCancel(context.WithoutCancel(ctx))
	m.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return baseCtx }}
	m.srv.RegisterOnShutdown(baseCancel)
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		if err := m.srv.Serve(m.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("http server", "err", err)
		}
	}()
	if cfg.Server.AdminAddr != "" {
		if err := m.serveAdmin(cfg.Server.AdminAddr, adminHandler(m.metrics.Handler())); err != nil {
			return err
		}
	}
	m.Log.Info("kefu serving", "addr", "http://"+m.ln.Addr().String()+"/", "database", dbKind(cfg))
	return nil
}

// exclusive runs work in one process at a time among those sharing the
// database: a PostgreSQL advisory lock, or a file lock beside the SQLite
// file. Another process takes over within seconds when the holder dies.
func (m *Main) exclusive(ctx context.Context, name string, work func(context.Context) error) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		_ = lease.Run(ctx, m.locker(), name, lease.Options{Logger: m.Log}, work)
	}()
}

// laneGate sends a bot's Telegram messages from one process at a time:
// Telegram's limits (one message a second per chat, about 30 a second per
// bot) hold for the bot, and a process only knows its own sends.
func (m *Main) laneGate(cfg configs.Config) func(context.Context, string, func(context.Context)) {
	if !cfg.Telegram.Enabled {
		return nil
	}
	return func(ctx context.Context, lane string, run func(context.Context)) {
		if lane != string(channels.Telegram) {
			run(ctx)
			return
		}
		_ = lease.Run(ctx, m.locker(), "telegram-send:"+tokenID(cfg.Telegram.Token), lease.Options{Logger: m.Log},
			func(ctx context.Context) error {
				run(ctx)
				return nil
			})
	}
}

// locker is where this deployment's leases live: PostgreSQL, or files
// beside the SQLite database.
func (m *Main) locker() lease.Locker {
	if m.Config.Postgres() {
		return lease.Postgres{URL: m.Config.Database.URL}
	}
	return lease.File{Dir: filepath.Dir(m.Config.SQLitePath())}
}

// tokenID names a bot by a hash of its token, never the token itself.
func tokenID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:6])
}

func dbKind(cfg configs.Config) string {
	if cfg.Postgres() {
		return "postgres"
	}
	return "sqlite:" + cfg.SQLitePath()
}

// Addr is the address the server listens on.
func (m *Main) Addr() string {
	if m.ln == nil {
		return ""
	}
	return m.ln.Addr().String()
}

// Service exposes the pipeline to end-to-end tests.
func (m *Main) Service() *service.Service { return m.svc }

// Close shuts down gracefully: stop accepting requests, let in-flight ones
// and running timers finish, then close the database.
func (m *Main) Close() error {
	var errs []error
	m.closeMu.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), m.Config.Server.ShutdownTimeout)
		defer cancel()
		if m.srv != nil {
			errs = append(errs, m.srv.Shutdown(ctx))
		}
		if m.admin != nil {
			errs = append(errs, m.admin.Shutdown(ctx))
		}
		if m.store != nil {
			errs = append(errs, m.store.TimersStop(ctx))
		}
		if m.cancel != nil {
			m.cancel()
		}
		m.wg.Wait()
		if m.wechat != nil {
			errs = append(errs, m.wechat.Close())
		}
		for _, c := range m.closers {
			errs = append(errs, c())
		}
		if m.store != nil {
			errs = append(errs, m.store.Close())
		}
		m.Log.Info("kefu stopped")
	})
	return errors.Join(errs...)
}

func subscribers(eps []webhook.Endpoint) []service.Subscriber {
	out := make([]service.Subscriber, 0, len(eps))
	for _, e := range eps {
		out = append(out, service.Subscriber{Name: e.Name, Events: e.Events})
	}
	return out
}

// lifecycle is the case-timer configuration: cadence, quiet hours, callbacks.
func lifecycle(cfg configs.Config) service.Lifecycle {
	return service.Lifecycle{
		QuietHours: cfg.QuietHours, Location: cfg.Location(),
		CallbackAfter: cfg.Callbacks.SurveyAfter, CallbackWithin: cfg.Callbacks.Within,
		FollowUp:  service.FollowUp{Enabled: cfg.FollowUp.Enabled, Delay: cfg.FollowUp.Delay, Within: cfg.FollowUp.Within},
		TaskRetry: cfg.Callbacks.RetryAfter, TaskAttempts: cfg.Callbacks.Attempts,
	}
}
