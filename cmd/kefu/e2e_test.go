package main

// Helpers the end-to-end tests of every channel share: kefu's log kept for
// a failing test, and calls to the staff API with what they read back.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// syncLog keeps kefu's log (written from many goroutines), printed when a
// test fails.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// staffRequest calls the staff API at base with token, fails the test on
// anything but 200, and decodes the answer into out (when not nil).
func staffRequest(tb testing.TB, client *http.Client, base, token, method, path, body string, out any) {
	tb.Helper()
	if client == nil {
		client = http.DefaultClient
	}
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			tb.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

// apiCase is the part of the staff API's case view the tests read.
type apiCase struct {
	ID             int64             `json:"id"`
	Number         string            `json:"number"`
	ConversationID int64             `json:"conversation_id"`
	Channel        string            `json:"channel"`
	Fields         map[string]string `json:"fields"`
	Category       string            `json:"category"`
	Priority       string            `json:"priority"`
	Department     string            `json:"department"`
	State          string            `json:"state"`
}

// apiChange is one case history entry as the staff API shows it.
type apiChange struct {
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Field  string `json:"field"`
	To     string `json:"to"`
	Reason string `json:"reason"`
}
