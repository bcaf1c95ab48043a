package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/cache"
)

// WeChat's error codes this package acts on.
const (
	codeInvalidCredential = 40001 // access token invalid (or replaced)
	codeInvalidToken      = 40014
	codeTokenExpired      = 42001
	codeAPIQuota          = 45009 // the account's daily call limit
	codeWindowClosed      = 45015 // reply time limit exceeded (48 h)
	codeCustomerQuota     = 45047 // too many messages to this customer
	codeUnsubscribed      = 43004
)

// APIError is an errcode other than 0 from the WeChat API.
type APIError struct {
	Path string
	Code int
	Msg  string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("wechat %s: errcode %d: %s", e.Path, e.Code, e.Msg)
}

// apiCode returns err's WeChat errcode, or 0.
func apiCode(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

// api is a small client for the few calls kefu makes. It is this
// package's own rather than the SDK's because the SDK reaches its fixed
// hosts only through the process-global util.SetURIModifier (tests and a
// proxy could not be set per channel) and its calls take no context.
type api struct {
	base, appID, secret string
	http                *http.Client
	tokens              cache.Cache
	log                 *slog.Logger
	mu                  sync.Mutex // one token fetch at a time in this process
}

const maxAPIResponse = 1 << 20

type apiResult struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

func (a *api) tokenKey() string { return "stable_access_token_" + a.appID }

// token returns the cached access token or fetches one.
func (a *api) token(ctx context.Context) (string, error) {
	if t, ok := cache.GetContext(ctx, a.tokens, a.tokenKey()).(string); ok && t != "" {
		return t, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if t, ok := cache.GetContext(ctx, a.tokens, a.tokenKey()).(string); ok && t != "" {
		return t, nil
	}
	return a.fetchToken(ctx, false)
}

// refresh replaces a token WeChat rejected. The stable token API returns
// the current token without force_refresh; only when that is the rejected
// one again is a refresh forced (WeChat limits forced refreshes).
func (a *api) refresh(ctx context.Context, rejected string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if t, ok := cache.GetContext(ctx, a.tokens, a.tokenKey()).(string); ok && t != "" && t != rejected {
		return t, nil // another caller or process refreshed it already
	}
	if err := cache.DeleteContext(ctx, a.tokens, a.tokenKey()); err != nil {
		a.log.WarnContext(ctx, "wechat: drop cached token", "err", err)
	}
	t, err := a.fetchToken(ctx, false)
	if err != nil || t != rejected {
		return t, err
	}
	return a.fetchToken(ctx, true)
}

func (a *api) fetchToken(ctx context.Context, force bool) (string, error) {
	var res struct {
		apiResult
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	body := map[string]any{
		"grant_type": "client_credential", "appid": a.appID, "secret": a.secret, "force_refresh": force,
	}
	if err := a.post(ctx, "/cgi-bin/stable_token", nil, body, &res); err != nil {
		return "", err
	}
	if res.ErrCode != 0 {
		return "", &APIError{Path: "/cgi-bin/stable_token", Code: res.ErrCode, Msg: res.ErrMsg}
	}
	if res.AccessToken == "" {
		return "", errors.New("wechat: stable_token returned no token")
	}
	// Expire early so a token is never used in its last minutes.
	ttl := time.Duration(res.ExpiresIn)*time.Second - 5*time.Minute
	if ttl < time.Minute {
		ttl = time.Minute
	}
	if err := cache.SetContext(ctx, a.tokens, a.tokenKey(), res.AccessToken, ttl); err != nil {
		a.log.WarnContext(ctx, "wechat: cache token", "err", err) // still usable now
	}
	a.log.InfoContext(ctx, "wechat: access token fetched", "force_refresh", force, "expires_in", res.ExpiresIn)
	return res.AccessToken, nil
}

// call posts body to an API path with the access token, refreshing the
// token once when WeChat rejects it. out (may be nil) receives the
// response; an errcode other than 0 is an *APIError.
func (a *api) call(ctx context.Context, path string, body any, out any) error {
	tok, err := a.token(ctx)
	if err != nil {
		return fmt.Errorf("wechat: access token: %w", err)
	}
	err = a.callWith(ctx, tok, path, body, out)
	switch apiCode(err) {
	case codeInvalidCredential, codeInvalidToken, codeTokenExpired:
		a.log.WarnContext(ctx, "wechat: access token rejected, refreshing", "path", path, "errcode", apiCode(err))
		if tok, err = a.refresh(ctx, tok); err != nil {
			return fmt.Errorf("wechat: refresh access token: %w", err)
		}
		return a.callWith(ctx, tok, path, body, out)
	}
	return err
}

func (a *api) callWith(ctx context.Context, tok, path string, body any, out any) error {
	var raw json.RawMessage
	if err := a.post(ctx, path, url.Values{"access_token": {tok}}, body, &raw); err != nil {
		return err
	}
	var res apiResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return fmt.Errorf("wechat %s: decode response: %w", path, err)
	}
	if res.ErrCode != 0 {
		return &APIError{Path: path, Code: res.ErrCode, Msg: res.ErrMsg}
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

func (a *api) post(ctx context.Context, path string, q url.Values, body, out any) error {
	// WeChat shows texts as sent; HTML escaping ("&" as \u0026) is not
	// wanted there.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return err
	}
	b := buf.Bytes()
	u := a.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("wechat %s: %w", path, redactToken(err))
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIResponse))
	if err != nil {
		return fmt.Errorf("wechat %s: read response: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("wechat %s: HTTP %d", path, resp.StatusCode)
	}
	if err := json.Unmarshal(rb, out); err != nil {
		return fmt.Errorf("wechat %s: decode response: %w", path, err)
	}
	return nil
}

// redactToken keeps the access token out of logged URL errors.
func redactToken(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = ""
			return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
		}
	}
	return err
}

// Customer-service and template message bodies.
type (
	customText struct {
		Content string `json:"content"`
	}
	customImage struct {
		MediaID string `json:"media_id"`
	}
	menuItem struct {
		ID      string `json:"id"`
		Content string `json:"content"`
	}
	customMenu struct {
		HeadContent string     `json:"head_content"`
		List        []menuItem `json:"list"`
		TailContent string     `json:"tail_content"`
	}
	customMessage struct {
		ToUser  string       `json:"touser"`
		MsgType string       `json:"msgtype"`
		Text    *customText  `json:"text,omitempty"`
		Image   *customImage `json:"image,omitempty"`
		MsgMenu *customMenu  `json:"msgmenu,omitempty"`
	}
	templateValue struct {
		Value string `json:"value"`
	}
	templateMessage struct {
		ToUser      string                   `json:"touser"`
		TemplateID  string                   `json:"template_id"`
		URL         string                   `json:"url,omitempty"`
		Data        map[string]templateValue `json:"data"`
		ClientMsgID string                   `json:"client_msg_id,omitempty"`
	}
)
