package service_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"
	"github.com/xuri/excelize/v2"

	"github.com/kefu-dev/kefu/cases"
	"github.com/kefu-dev/kefu/channels"
	"github.com/kefu-dev/kefu/channels/email"
	"github.com/kefu-dev/kefu/channels/webhook"
	"github.com/kefu-dev/kefu/configs"
	"github.com/kefu-dev/kefu/internal/reportxlsx"
	"github.com/kefu-dev/kefu/service"
)

// mailSink is a local SMTP server keeping every mail it is given.
type mailSink struct {
	addr string
	mu   sync.Mutex
	msgs []sunkMail
}

type sunkMail struct {
	to   []string
	data []byte
}

func newMailSink(t *testing.T) *mailSink {
	t.Helper()
	k := &mailSink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSess{k: k}, nil }))
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	k.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return k
}

func (k *mailSink) all() []sunkMail {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]sunkMail(nil), k.msgs...)
}

type sinkSess struct {
	k  *mailSink
	to []string
}

func (s *sinkSess) Mail(string, *smtp.MailOptions) error { return nil }
func (s *sinkSess) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *sinkSess) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.k.mu.Lock()
	s.k.msgs = append(s.k.msgs, sunkMail{to: s.to, data: b})
	s.k.mu.Unlock()
	return nil
}
func (s *sinkSess) Reset()        { s.to = nil }
func (s *sinkSess) Logout() error { return nil }

// hookReceiver is a webhook endpoint that checks every signature the way
// the webhook package's documentation tells receivers to.
type hookReceiver struct {
	srv    *httptest.Server
	secret string
	mu     sync.Mutex
	events []hookEvent
	bad    []string
}

type hookEvent struct {
	typ, delivery string
	body          []byte
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{secret: "a-secret-of-sixteen-or-more"}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sig := map[string]string{}
		for _, kv := range strings.Split(r.Header.Get("X-Kefu-Signature"), ",") {
			k, v, _ := strings.Cut(kv, "=")
			sig[k] = v
		}
		mac := hmac.New(sha256.New, []byte(h.secret))
		mac.Write([]byte(sig["t"] + "." + string(body)))
		h.mu.Lock()
		defer h.mu.Unlock()
		if want := hex.EncodeToString(mac.Sum(nil)); sig["v1"] == "" || !hmac.Equal([]byte(sig["v1"]), []byte(want)) {
			h.bad = append(h.bad, r.Header.Get("X-Kefu-Signature"))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		h.events = append(h.events, hookEvent{typ: r.Header.Get("X-Kefu-Event"), delivery: r.Header.Get("X-Kefu-Delivery"), body: body})
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) got(typ string) []hookEvent {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []hookEvent
	for _, e := range h.events {
		if e.typ == typ {
			out = append(out, e)
		}
	}
	return out
}

// monthlyWorld is what stays across restarts: the database, the mail
// server, the webhook receiver, the mail channel's record of what it sent
// and the clock.
type monthlyWorld struct {
	t       *testing.T
	be      backend
	clk     *clock
	sh      *time.Location
	mail    *mailSink
	hooks   *hookReceiver
	threads *email.MemoryStore
}

// process starts a service on the world's database, as `kefu serve`
// wires it: the real mail channel and webhook sender.
func (w *monthlyWorld) process() (*service.Service, service.Store) {
	t := w.t
	st := w.be.open(t, w.clk.Now)
	t.Cleanup(func() { st.Close() })
	hooks := []webhook.Endpoint{{Name: "crm", URL: w.hooks.srv.URL, Secret: w.hooks.secret}}
	svc := service.New(service.Options{
		Store: st, Engine: engine(t), SLA: configs.Default().SLA, Now: w.clk.Now, Logger: quiet(),
		Lifecycle: service.Lifecycle{Location: w.sh},
		Webhooks:  []service.Subscriber{{Name: "crm", Events: []string{service.EventReportMonthly}}},
		Monthly: service.MonthlyReport{Enabled: true, Recipients: []string{"boss@corp.test", "ops@corp.test"}, Lang: "zh-CN",
			Book: reportxlsx.Book{}},
	})
	mc, err := email.New(email.Config{Address: "service@kefu.test", DisplayName: "客服",
		IMAP: email.IMAPConfig{Addr: "127.0.0.1:1", Security: email.Plain, AllowInsecure: true, Username: "x"},
		SMTP: email.SMTPConfig{Addr: w.mail.addr, Security: email.Plain, AllowInsecure: true, Timeout: 10 * time.Second},
	}, svc, email.Options{Threads: w.threads, Now: w.clk.Now, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	svc.SetSender(channels.Email, mc)
	svc.SetSender(service.WebhookChannel, webhook.New(hooks, nil, w.clk.Now))
	svc.SetSender(channels.WebChat, &countingSender{})
	return svc, st
}

// reportMail is a captured monthly mail.
type reportMail struct {
	to, subject, text, file string
	data                    []byte
}

func (w *monthlyWorld) mails() []reportMail {
	w.t.Helper()
	var out []reportMail
	for _, m := range w.mail.all() {
		mr, err := mail.CreateReader(bytes.NewReader(m.data))
		if err != nil {
			w.t.Fatal(err)
		}
		rm := reportMail{to: strings.Join(m.to, ",")}
		rm.subject, _ = mr.Header.Subject()
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				w.t.Fatal(err)
			}
			b, _ := io.ReadAll(p.Body)
			switch h := p.Header.(type) {
			case *mail.InlineHeader:
				if ct, _, _ := h.ContentType(); ct == "text/plain" {
					rm.text = string(b)
				}
			case *mail.AttachmentHeader:
				rm.file, _ = h.Filename()
				rm.data = b
			}
		}
		out = append(out, rm)
	}
	return out
}

func (w *monthlyWorld) due(svc *service.Service, want string) {
	w.t.Helper()
	got, err := svc.MonthlyReportDue(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	if got != want {
		w.t.Fatalf("at %s the monthly report queued %q, want %q", w.clk.Now().In(w.sh), got, want)
	}
}

// TestMonthlyReport: on the 1st, in the deployment's zone, November's
// report goes once to each recipient through the real mail path with the
// workbook attached, and once to the webhook, signed; neither a second
// look, a restart nor a second process sends it again.
func TestMonthlyReport(t *testing.T) {
	t.Parallel()
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			sh, err := time.LoadLocation("Asia/Shanghai")
			if err != nil {
				t.Fatal(err)
			}
			w := &monthlyWorld{t: t, be: be, clk: &clock{t: time.Date(2026, 11, 10, 10, 0, 0, 0, sh)}, sh: sh,
				mail: newMailSink(t), hooks: newHookReceiver(t), threads: email.NewMemoryStore()}
			ctx := context.Background()
			svc, st := w.process()
			// A case in November.
			for i, text := range []string{"我叫李雷，电话13900001111，洗衣机不脱水，型号XQG100，上个月买的，需要上门维修", "确认"} {
				if _, err := svc.Receive(ctx, msg("nov-user", fmt.Sprint("nov-", i), text)); err != nil {
					t.Fatal(err)
				}
			}
			drain(t, svc)

			// The first look in November sends October's (a deployment
			// turning the report on gets last month's at once); the next
			// ones, until midnight, nothing.
			w.clk.t = time.Date(2026, 11, 30, 23, 58, 0, 0, sh)
			w.due(svc, "2026-10")
			drain(t, svc)
			w.clk.Add(time.Minute) // 23:59
			w.due(svc, "")
			drain(t, svc)
			before := len(w.mail.all())
			if before != 2 || len(w.hooks.got(service.EventReportMonthly)) != 1 {
				t.Fatalf("October: %d mails, %d events; want 2 and 1", before, len(w.hooks.got(service.EventReportMonthly)))
			}

			w.clk.Add(2 * time.Minute) // Dec 1 00:01 in Shanghai, still Nov 30 in UTC
			w.due(svc, "2026-11")
			w.due(svc, "")
			admin := cases.User{ID: 1, Role: cases.RoleAdmin}
			want, err := svc.Team().ReportSummary(ctx, admin, service.ReportFilter{FromDate: "2026-11-01", ToDate: "2026-12-01"})
			if err != nil {
				t.Fatal(err)
			}
			drain(t, svc)

			// A restart, and a second process, look again: nothing.
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			svc, _ = w.process()
			other, _ := w.process()
			w.clk.Add(time.Hour)
			w.due(svc, "")
			w.due(other, "")
			drain(t, svc)
			drain(t, other)

			mails := w.mails()[before:]
			if len(mails) != 2 {
				t.Fatalf("%d mails for November, want one to each of 2 recipients", len(mails))
			}
			for i, to := range []string{"boss@corp.test", "ops@corp.test"} {
				m := mails[i]
				if m.to != to || m.subject != "售后服务月度报告 2026-11" || !strings.Contains(m.text, "2026-11-01 至 2026-11-30") ||
					m.file != "kefu-report-2026-11.xlsx" {
					t.Errorf("mail %d: to %s, subject %q, text %q, file %q", i, m.to, m.subject, m.text, m.file)
				}
				book, err := excelize.OpenReader(bytes.NewReader(m.data))
				if err != nil {
					t.Fatalf("mail %d: the attachment is no workbook: %v", i, err)
				}
				rows, _ := book.GetRows("工单量")
				list, _ := book.GetRows("工单明细")
				book.Close()
				total := ""
				for _, r := range rows {
					if len(r) > 1 && r[0] == "工单总数" {
						total = r[1]
					}
				}
				if total != strconv.Itoa(want.Volume.Total) || want.Volume.Total != 1 || len(list) != 2 || !strings.HasPrefix(list[1][0], "K-") {
					t.Errorf("mail %d: workbook total %q and %d rows, want %d case", i, total, len(list), want.Volume.Total)
				}
			}

			events := w.hooks.got(service.EventReportMonthly)
			if w.hooks.bad != nil {
				t.Errorf("bad signatures: %q", w.hooks.bad)
			}
			if len(events) != 2 {
				t.Fatalf("%d report.monthly events, want October's and November's", len(events))
			}
			var ev struct {
				Type string `json:"type"`
				Data struct {
					Period struct {
						Month, Zone string
						From, To    time.Time
					} `json:"period"`
					Summary json.RawMessage `json:"summary"`
				} `json:"data"`
			}
			if err := json.Unmarshal(events[1].body, &ev); err != nil {
				t.Fatal(err)
			}
			p := ev.Data.Period
			if ev.Type != service.EventReportMonthly || p.Month != "2026-11" || p.Zone != "Asia/Shanghai" ||
				!p.From.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, sh)) || !p.To.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, sh)) {
				t.Errorf("event %s period %+v", ev.Type, p)
			}
			var got, exp any
			wb, _ := json.Marshal(want)
			if err := json.Unmarshal(ev.Data.Summary, &got); err != nil {
				t.Fatal(err)
			}
			_ = json.Unmarshal(wb, &exp)
			if !reflect.DeepEqual(got, exp) {
				t.Errorf("the event's summary\n%s\nis not /reports/summary's\n%s", ev.Data.Summary, wb)
			}

			// Two processes that look at the same moment: one sends.
			a, _ := w.process()
			b, _ := w.process()
			w.clk.t = time.Date(2027, 1, 1, 0, 1, 0, 0, sh)
			var wg sync.WaitGroup
			var mu sync.Mutex
			var sent []string
			for _, s := range []*service.Service{a, b} {
				wg.Go(func() {
					m, err := s.MonthlyReportDue(ctx)
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					sent = append(sent, m)
					mu.Unlock()
				})
			}
			wg.Wait()
			if n := strings.Count(strings.Join(sent, ","), "2026-12"); n != 1 {
				t.Errorf("December queued %d times: %q", n, sent)
			}
			drain(t, a)
			if n := len(w.mails()); n != before+4 {
				t.Errorf("%d mails in all, want %d", n, before+4)
			}
		})
	}
}
