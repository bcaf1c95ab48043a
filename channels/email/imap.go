package email

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"

	"github.com/kefu-dev/kefu/channels"
)

// Run reads the mailbox until ctx ends, reconnecting with exponential
// backoff after any failure. It returns nil when ctx ends.
func (c *Channel) Run(ctx context.Context) error {
	if c.opt.Positions == nil {
		return errors.New("email: Options.Positions is required to run")
	}
	delay := c.cfg.IMAP.ReconnectMin
	for {
		started := time.Now()
		err := c.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > c.cfg.IMAP.ReconnectMax {
			delay = c.cfg.IMAP.ReconnectMin // it worked for a while: start over
		}
		c.log.WarnContext(ctx, "email: IMAP session ended", "err", err, "retry_in", delay)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		delay = min(delay*2, c.cfg.IMAP.ReconnectMax)
	}
}

// RunOnce connects, reads what is new, marks it and disconnects; for
// tests, benchmarks and a one-shot command.
func (c *Channel) RunOnce(ctx context.Context) error {
	if c.opt.Positions == nil {
		return errors.New("email: Options.Positions is required to run")
	}
	s, err := c.connect(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	return s.sync(ctx)
}

// imapSession is one connection with the mailbox selected.
type imapSession struct {
	c       *Channel
	cl      *imapclient.Client
	notify  chan struct{} // new mail announced (EXISTS) while idling or fetching
	pos     Position
	resync  bool
	uidNext uint32 // at SELECT: every UID below it was there for the resync's search
	stopCtx func() bool
}

func (c *Channel) session(ctx context.Context) error {
	s, err := c.connect(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	for {
		if err := s.sync(ctx); err != nil {
			return err
		}
		if err := s.wait(ctx); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := s.checkValidity(); err != nil {
			return err
		}
	}
}

// checkValidity ends the session when the mailbox was deleted and created
// again under it: Dovecot keeps serving the session the deleted mailbox
// (no new mail, no error; STATUS too answers from that view), so without
// this the channel would read nothing until the connection broke. SELECT
// again opens the mailbox as it is now; the next session resyncs.
func (s *imapSession) checkValidity() error {
	sel, err := s.cl.Select(s.c.cfg.IMAP.Mailbox, nil).Wait()
	if err != nil {
		return fmt.Errorf("email: imap select %s: %w", s.c.cfg.IMAP.Mailbox, err)
	}
	if sel.UIDValidity != s.pos.UIDValidity {
		return fmt.Errorf("email: UIDVALIDITY of %s changed under the session (%d, was %d)", s.c.cfg.IMAP.Mailbox, sel.UIDValidity, s.pos.UIDValidity)
	}
	return nil
}

func (c *Channel) connect(ctx context.Context) (*imapSession, error) {
	s := &imapSession{c: c, notify: make(chan struct{}, 1)}
	opts := &imapclient.Options{
		TLSConfig:   c.tlsConfig(c.cfg.IMAP.Addr),
		WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader},
		Dialer:      &net.Dialer{Timeout: c.cfg.IMAP.DialTimeout},
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case s.notify <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	var err error
	switch c.cfg.IMAP.Security {
	case TLS:
		s.cl, err = imapclient.DialTLS(c.cfg.IMAP.Addr, opts)
	case StartTLS:
		s.cl, err = imapclient.DialStartTLS(c.cfg.IMAP.Addr, opts)
	default:
		s.cl, err = imapclient.DialInsecure(c.cfg.IMAP.Addr, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("email: imap dial %s: %w", c.cfg.IMAP.Addr, err)
	}
	// The client's calls take no context: closing the connection is what
	// unblocks them when ctx ends.
	s.stopCtx = context.AfterFunc(ctx, func() { s.cl.Close() })
	if err := s.cl.Login(c.cfg.IMAP.Username, c.cfg.IMAP.Password).Wait(); err != nil {
		s.close()
		return nil, fmt.Errorf("email: imap login: %w", err)
	}
	if c.cfg.IMAP.MoveTo != "" {
		// Ignore "already exists"; a real failure shows on the first MOVE.
		_ = s.cl.Create(c.cfg.IMAP.MoveTo, nil).Wait()
	}
	sel, err := s.cl.Select(c.cfg.IMAP.Mailbox, nil).Wait()
	if err != nil {
		s.close()
		return nil, fmt.Errorf("email: imap select %s: %w", c.cfg.IMAP.Mailbox, err)
	}
	if s.pos, err = c.opt.Positions.Load(ctx, c.cfg.IMAP.Mailbox); err != nil {
		s.close()
		return nil, fmt.Errorf("email: load position: %w", err)
	}
	if s.pos.UIDValidity != sel.UIDValidity {
		if s.pos.UIDValidity != 0 {
			c.log.WarnContext(ctx, "email: UIDVALIDITY changed, resyncing by Message-ID", "mailbox", c.cfg.IMAP.Mailbox,
				"old", s.pos.UIDValidity, "new", sel.UIDValidity)
		}
		s.pos, s.resync, s.uidNext = Position{UIDValidity: sel.UIDValidity}, true, uint32(sel.UIDNext)
		return s, nil
	}
	if err := s.markCommitted(); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *imapSession) close() {
	if s.stopCtx != nil {
		s.stopCtx()
	}
	// Logout is a courtesy, bounded so a dead server does not delay the
	// reconnect; Close is what frees the connection.
	done := make(chan struct{})
	go func() { _ = s.cl.Logout().Wait(); close(done) }()
	select {
	case <-done:
	case <-s.cl.Closed():
	case <-time.After(2 * time.Second):
	}
	_ = s.cl.Close()
}

// markCommitted marks messages at or below the position that a crash left
// unmarked: the position committed, the STORE or MOVE did not happen.
func (s *imapSession) markCommitted() error {
	if s.pos.LastUID == 0 {
		return nil
	}
	crit := &imap.SearchCriteria{UID: []imap.UIDSet{{{Start: 1, Stop: imap.UID(s.pos.LastUID)}}}}
	if s.c.cfg.IMAP.MoveTo == "" {
		crit.NotFlag = []imap.Flag{imap.FlagSeen}
	}
	data, err := s.cl.UIDSearch(crit, nil).Wait()
	if err != nil {
		return fmt.Errorf("email: imap search committed: %w", err)
	}
	var uids []imap.UID
	for _, u := range data.AllUIDs() {
		if uint32(u) <= s.pos.LastUID {
			uids = append(uids, u)
		}
	}
	return s.mark(uids)
}

// mark sets \Seen on, or moves, committed messages.
func (s *imapSession) mark(uids []imap.UID) error {
	if len(uids) == 0 {
		return nil
	}
	set := imap.UIDSetNum(uids...)
	if to := s.c.cfg.IMAP.MoveTo; to != "" {
		if _, err := s.cl.Move(set, to).Wait(); err != nil {
			return fmt.Errorf("email: imap move to %s: %w", to, err)
		}
		return nil
	}
	err := s.cl.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close()
	if err != nil {
		return fmt.Errorf("email: imap store \\Seen: %w", err)
	}
	return nil
}

// sync hands every message after the position to the inbox, in UID order,
// one commit each.
func (s *imapSession) sync(ctx context.Context) error {
	crit := &imap.SearchCriteria{UID: []imap.UIDSet{{{Start: imap.UID(s.pos.LastUID + 1), Stop: 0}}}}
	if s.resync && s.c.cfg.IMAP.MoveTo == "" {
		// Committed messages were marked \Seen; unseen ones may or may not
		// be stored, and deduplication sorts that out.
		crit.NotFlag = []imap.Flag{imap.FlagSeen}
	}
	data, err := s.cl.UIDSearch(crit, nil).Wait()
	if err != nil {
		return fmt.Errorf("email: imap search: %w", err)
	}
	var uids []imap.UID
	for _, u := range data.AllUIDs() {
		// "N:*" matches the last message even when its UID is below N.
		if uint32(u) > s.pos.LastUID {
			uids = append(uids, u)
		}
	}
	slices.Sort(uids)
	for len(uids) > 0 {
		n := min(len(uids), s.c.cfg.IMAP.BatchSize)
		if err := s.batch(ctx, uids[:n]); err != nil {
			return err
		}
		uids = uids[n:]
	}
	if s.resync {
		// The resync looked at every message below UIDNEXT; seen ones it
		// left out must not come back with the next new message.
		if s.uidNext > 0 && s.uidNext-1 > s.pos.LastUID {
			s.pos.LastUID = s.uidNext - 1
		}
		if err := s.c.opt.Positions.Commit(ctx, s.c.cfg.IMAP.Mailbox, s.pos, func(context.Context) error { return nil }); err != nil {
			return fmt.Errorf("email: commit resynced position: %w", err)
		}
		s.resync = false
	}
	return nil
}

func (s *imapSession) batch(ctx context.Context, uids []imap.UID) error {
	set := imap.UIDSetNum(uids...)
	sizes, err := s.cl.Fetch(set, &imap.FetchOptions{UID: true, RFC822Size: true, InternalDate: true}).Collect()
	if err != nil {
		return fmt.Errorf("email: imap fetch sizes: %w", err)
	}
	type meta struct {
		size     int64
		received time.Time
	}
	metas := map[imap.UID]meta{}
	var whole, headOnly []imap.UID
	for _, m := range sizes {
		metas[m.UID] = meta{m.RFC822Size, m.InternalDate}
		if m.RFC822Size > s.c.cfg.MaxMessageBytes {
			headOnly = append(headOnly, m.UID)
		} else {
			whole = append(whole, m.UID)
		}
	}
	bodies := map[imap.UID][]byte{}
	full := &imap.FetchItemBodySection{Peek: true}
	head := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}
	for _, f := range []struct {
		uids []imap.UID
		sec  *imap.FetchItemBodySection
	}{{whole, full}, {headOnly, head}} {
		if len(f.uids) == 0 {
			continue
		}
		msgs, err := s.cl.Fetch(imap.UIDSetNum(f.uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{f.sec}}).Collect()
		if err != nil {
			return fmt.Errorf("email: imap fetch: %w", err)
		}
		for _, m := range msgs {
			bodies[m.UID] = m.FindBodySection(f.sec)
		}
	}
	var done []imap.UID
	defer func() {
		// Whatever was committed gets marked, also when a later one failed.
		if err := s.mark(done); err != nil {
			s.c.log.WarnContext(ctx, "email: mark committed", "err", err)
		}
	}()
	for _, uid := range uids {
		raw, ok := bodies[uid]
		if !ok {
			continue // expunged meanwhile: nothing to store
		}
		md := metas[uid]
		if err := s.c.ingest(ctx, s.c.cfg.IMAP.Mailbox, Position{UIDValidity: s.pos.UIDValidity, LastUID: uint32(uid)}, raw, md.received, md.size); err != nil {
			return err
		}
		s.pos.LastUID = uint32(uid)
		done = append(done, uid)
	}
	return nil
}

// ingest parses one message and commits it with the new position. A
// message that cannot be understood is given to the inbox's Rejecter and
// the position moves on, so one broken mail does not block the mailbox.
func (c *Channel) ingest(ctx context.Context, mailbox string, pos Position, raw []byte, received time.Time, size int64) error {
	m, err := Parse(raw, c.limits())
	if err == nil && m.From == "" {
		err = errors.New("no From address")
	}
	if err != nil {
		c.log.WarnContext(ctx, "email: message rejected", "uid", pos.LastUID, "err", err)
		return c.opt.Positions.Commit(ctx, mailbox, pos, func(ctx context.Context) error {
			if r, ok := c.inbox.(channels.Rejecter); ok {
				r.Reject(ctx, channels.Email, "unparseable: "+err.Error(), raw)
			}
			return nil
		})
	}
	if size > c.cfg.MaxMessageBytes {
		m.Text = fmt.Sprintf("[message of %d bytes, above the limit; read it in the mailbox, UID %d]", size, pos.LastUID)
	}
	return c.commitMessage(ctx, mailbox, pos, m, raw, received)
}

func (c *Channel) commitMessage(ctx context.Context, mailbox string, pos Position, m *Message, raw []byte, received time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.opt.Positions.Commit(ctx, mailbox, pos, func(ctx context.Context) error {
		in, th, err := c.inbound(ctx, m, raw, received)
		if err != nil {
			return err
		}
		rc, err := c.inbox.Receive(ctx, in)
		if err != nil {
			return fmt.Errorf("email: receive %s: %w", in.ExternalMessageID, err)
		}
		if rc.Quarantined {
			// Kept as rejected for good: the position moves past it.
			c.log.WarnContext(ctx, "email: message quarantined", "message_id", in.ExternalMessageID, "uid", pos.LastUID)
			return nil
		}
		if rc.Duplicate {
			c.log.DebugContext(ctx, "email: duplicate", "message_id", in.ExternalMessageID, "conversation_id", rc.ConversationID)
			return nil // stored before, with its thread
		}
		c.log.InfoContext(ctx, "email: received", "conversation_id", rc.ConversationID, "uid", pos.LastUID, "auto", m.Auto)
		return c.opt.Threads.ThreadPut(ctx, m.From, th)
	})
}

// wait returns when new mail may be there: announced during IDLE, or
// after the poll interval.
func (s *imapSession) wait(ctx context.Context) error {
	t := time.NewTimer(s.c.cfg.IMAP.PollInterval)
	defer t.Stop()
	if !s.cl.Caps().Has(imap.CapIdle) {
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-s.cl.Closed():
			return errors.New("email: imap connection closed")
		}
		return nil
	}
	select {
	case <-s.notify:
		return nil // announced while fetching
	default:
	}
	idle, err := s.cl.Idle()
	if err != nil {
		return fmt.Errorf("email: imap idle: %w", err)
	}
	select {
	case <-ctx.Done():
	case <-s.notify:
	case <-t.C:
	case <-s.cl.Closed():
	}
	if err := idle.Close(); err != nil {
		return fmt.Errorf("email: imap idle done: %w", err)
	}
	if err := idle.Wait(); err != nil {
		return fmt.Errorf("email: imap idle: %w", err)
	}
	return nil
}
