package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kefu-dev/kefu/channels"
)

// errInbox marks a failure of the inbox (or store): the update was not
// taken and must come again.
var errInbox = errors.New("inbox")

// handle hands one update on. off is nil in webhook mode; in polling mode
// the offset is committed with the message (or alone when there is
// nothing to store). A non-nil error means the update was not taken.
func (c *Channel) handle(ctx context.Context, raw []byte, off *OffsetParams) error {
	arrived := c.now()
	var u tgbotapi.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		c.log.WarnContext(ctx, "telegram: malformed update", "err", err, "bytes", len(raw))
		c.keep(ctx, "invalid_json", raw)
		return c.commitOffset(ctx, off)
	}
	botName := ""
	if bot, err := c.api(ctx); err == nil {
		botName = bot.Self.UserName
	}
	n := c.normalize(&u, bytes.Clone(raw), arrived, botName)
	log := c.log.With("update_id", u.UpdateID, "chat_id", n.in.ExternalUserID)
	switch n.verdict {
	case skip:
		log.InfoContext(ctx, "telegram: update acknowledged, not handed on", "reason", n.reason)
		if err := c.commitOffset(ctx, off); err != nil {
			return err
		}
		c.answerCallback(ctx, n.callback, "")
		return nil
	case unsupported:
		log.InfoContext(ctx, "telegram: unsupported update kept", "reason", n.reason)
		c.keep(ctx, n.reason, raw)
		return c.commitOffset(ctx, off)
	}
	if q := n.callback; q != nil && c.staleKeyboard(q) {
		// A button of an earlier question: the open question has its own.
		log.InfoContext(ctx, "telegram: tap on an old keyboard ignored")
		if err := c.commitOffset(ctx, off); err != nil {
			return err
		}
		c.answerCallback(ctx, q, "already answered")
		c.removeTapped(ctx, q)
		return nil
	}
	if len(n.files) > 0 {
		n.in.Attachments = c.fetchFiles(ctx, log, n.files)
	}
	rctx, cancel := detached(ctx)
	defer cancel()
	var rc channels.Receipt
	var err error
	if off != nil {
		rc, err = c.inbox.(OffsetInbox).ReceiveWithOffset(rctx, n.in, *off)
	} else {
		rc, err = c.inbox.Receive(rctx, n.in)
	}
	if err != nil {
		log.ErrorContext(ctx, "telegram: receive update", "err", err)
		return fmt.Errorf("%w: %w", errInbox, err)
	}
	log.InfoContext(ctx, "telegram: update handed on", "conversation_id", rc.ConversationID, "duplicate", rc.Duplicate, "quarantined", rc.Quarantined, "spooled", rc.Spooled, "choice", n.in.Choice)
	if q := n.callback; q != nil {
		note := ""
		if rc.Duplicate {
			note = "already answered"
		}
		c.answerCallback(ctx, q, note)
		c.removeTapped(ctx, q)
	}
	return nil
}

func (c *Channel) commitOffset(ctx context.Context, off *OffsetParams) error {
	if off == nil {
		return nil
	}
	ctx, cancel := detached(ctx)
	defer cancel()
	if err := c.inbox.(OffsetInbox).OffsetCommit(ctx, *off); err != nil {
		c.log.ErrorContext(ctx, "telegram: commit offset", "next", off.Next, "err", err)
		return fmt.Errorf("%w: %w", errInbox, err)
	}
	return nil
}

// keep hands a payload that was not understood to the Rejecter, if any.
func (c *Channel) keep(ctx context.Context, reason string, raw []byte) {
	if rj, ok := c.inbox.(channels.Rejecter); ok {
		ctx, cancel := detached(ctx)
		defer cancel()
		rj.Reject(ctx, channels.Telegram, reason, bytes.Clone(raw))
	}
}

// answerCallback stops the button's spinner (once per query; answering
// again only fails). Errors are logged: the choice is already stored.
func (c *Channel) answerCallback(ctx context.Context, q *tgbotapi.CallbackQuery, text string) {
	if q == nil {
		return
	}
	c.mu.Lock()
	done := c.seen.has("cq:" + q.ID)
	c.seen.add("cq:" + q.ID)
	c.mu.Unlock()
	if done {
		return
	}
	if _, err := c.request(ctx, "answerCallbackQuery", tgbotapi.NewCallback(q.ID, text)); err != nil {
		c.log.WarnContext(ctx, "telegram: answer callback query", "err", err)
	}
}

// removeTapped takes the buttons off the message that was tapped, so it
// cannot be answered again; a message that shows none (as the tap
// carries it) is left alone.
func (c *Channel) removeTapped(ctx context.Context, q *tgbotapi.CallbackQuery) {
	m := q.Message
	if m == nil || m.Chat == nil || m.ReplyMarkup == nil || len(m.ReplyMarkup.InlineKeyboard) == 0 {
		return
	}
	c.removeKeyboard(ctx, m.Chat.ID, m.MessageID)
}

// removeKeyboard takes the buttons off a message, once: a message whose
// buttons this process removed already (after a tap, then again when the
// next question goes out) is not edited again, since Telegram refuses an
// edit that changes nothing with 400 "message is not modified". That
// refusal still comes when another process removed them; it means they
// are gone, which is what was wanted.
func (c *Channel) removeKeyboard(ctx context.Context, chatID int64, messageID int) {
	key := "kb:" + strconv.FormatInt(chatID, 10) + ":" + strconv.Itoa(messageID)
	c.mu.Lock()
	done := c.seen.has(key)
	c.seen.add(key)
	if id, ok := c.keyboards[chatID]; ok && id == messageID {
		delete(c.keyboards, chatID)
	}
	c.mu.Unlock()
	if done {
		return
	}
	edit := tgbotapi.NewEditMessageReplyMarkup(chatID, messageID, tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
	_, err := c.request(ctx, "editMessageReplyMarkup", edit)
	if notModified(err) {
		c.log.DebugContext(ctx, "telegram: keyboard already removed", "chat_id", chatID, "message_id", messageID)
		return
	}
	if err != nil {
		c.log.WarnContext(ctx, "telegram: remove keyboard", "chat_id", chatID, "message_id", messageID, "err", err)
	}
}

// notModified reports Telegram's 400 for an edit that changes nothing.
func notModified(err error) bool {
	var tg *tgbotapi.Error
	return errors.As(err, &tg) && tg.Code == 400 && strings.Contains(tg.Message, "message is not modified")
}

// fetchFiles downloads the files of a message. A file that cannot be
// fetched is handed on without its bytes: the message matters more.
func (c *Channel) fetchFiles(ctx context.Context, log *slog.Logger, files []fileRef) []channels.Attachment {
	out := make([]channels.Attachment, 0, len(files))
	for _, f := range files {
		a := channels.Attachment{Name: f.name, ContentType: f.mime}
		data, err := c.download(ctx, f)
		if err != nil {
			log.WarnContext(ctx, "telegram: fetch file", "file_unique_id", f.uniqueID, "err", err)
		} else {
			a.Data = data
			if a.ContentType == "" {
				a.ContentType = http.DetectContentType(data)
			}
		}
		if a.ContentType == "" {
			a.ContentType = "application/octet-stream"
		}
		out = append(out, a)
	}
	return out
}

// download resolves a file with getFile and fetches it from the file base
// URL (the library's FileEndpoint is a constant).
func (c *Channel) download(ctx context.Context, f fileRef) ([]byte, error) {
	if c.cfg.MaxFileBytes > 0 && int64(f.size) > c.cfg.MaxFileBytes {
		return nil, fmt.Errorf("%d bytes, above max_file_bytes", f.size)
	}
	resp, err := c.request(ctx, "getFile", tgbotapi.FileConfig{FileID: f.id})
	if err != nil {
		return nil, err
	}
	var file tgbotapi.File
	if err := json.Unmarshal(resp.Result, &file); err != nil || file.FilePath == "" {
		return nil, fmt.Errorf("getFile: no file_path in %s", resp.Result)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.HTTPTimeout)
	defer cancel()
	u := c.cfg.FileBaseURL + "/bot" + c.cfg.Token + "/" + strings.TrimPrefix(file.FilePath, "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, c.scrub("download", err)
	}
	r, err := c.http.Do(req)
	if err != nil {
		return nil, c.scrub("download", err)
	}
	defer r.Body.Close()
	if r.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download: HTTP %d", r.StatusCode)
	}
	limit := c.cfg.MaxFileBytes
	if limit <= 0 {
		limit = defaultMaxFileBytes
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, c.scrub("download", err)
	}
	if int64(len(data)) > limit {
		return nil, errors.New("download: above max_file_bytes")
	}
	return data, nil
}

// staleKeyboard reports whether q tapped a keyboard older than the chat's
// current one (known to this process).
func (c *Channel) staleKeyboard(q *tgbotapi.CallbackQuery) bool {
	if q.Message == nil || q.Message.Chat == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, ok := c.keyboards[q.Message.Chat.ID]
	return ok && cur != q.Message.MessageID
}
