package wechat

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// The parsers WeChat's pushes go through: the safe-mode envelope's
// decryption and the message XML. The seed corpus is testdata/*.xml
// (plain and sealed); `go test` runs the seeds, `go test -fuzz` explores.

func fuzzKey(tb testing.TB) []byte {
	k, err := base64.StdEncoding.DecodeString(testAESKey + "=")
	if err != nil || len(k) != 32 {
		tb.Fatalf("test key: %v", err)
	}
	return k
}

func fuzzSeeds(f *testing.F) [][]byte {
	names, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
	if err != nil || len(names) == 0 {
		f.Fatalf("no testdata: %v", err)
	}
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzDecrypt: any Encrypt field either fails cleanly or opens to a
// message that seals and opens again to the same bytes, and never opens
// for another app id.
func FuzzDecrypt(f *testing.F) {
	key := fuzzKey(f)
	for _, b := range fuzzSeeds(f) {
		ct, err := encrypt(key, testAppID, b)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(ct)
	}
	f.Add("")
	f.Add("AAAAAAAAAAAAAAAAAAAAAA==")
	f.Fuzz(func(t *testing.T, b64 string) {
		msg, err := decrypt(key, testAppID, b64)
		if err != nil {
			return
		}
		if _, err := decrypt(key, testAppID+"x", b64); err == nil {
			t.Errorf("%q opened for another app id too", b64)
		}
		ct, err := encrypt(key, testAppID, msg)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decrypt(key, testAppID, ct)
		if err != nil || !bytes.Equal(back, msg) {
			t.Errorf("resealed message opened to %q, %v; want %q", back, err, msg)
		}
	})
}

// FuzzSealRoundTrip: what encrypt seals for an app id, decrypt opens to
// the same bytes for that app id.
func FuzzSealRoundTrip(f *testing.F) {
	key := fuzzKey(f)
	for _, b := range fuzzSeeds(f) {
		f.Add(b, testAppID)
	}
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, msg []byte, appID string) {
		ct, err := encrypt(key, appID, msg)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decrypt(key, appID, ct)
		if err != nil || !bytes.Equal(got, msg) {
			t.Errorf("decrypt(encrypt(%q)) = %q, %v", msg, got, err)
		}
	})
}

// FuzzMessageXML: a message XML that passes the handler's checks
// normalizes to an Inbound of the sender with an id, the same each time,
// and the passive reply to it (plain and sealed) parses back to the text
// and addressee it was built from.
func FuzzMessageXML(f *testing.F) {
	for _, b := range fuzzSeeds(f) {
		f.Add(b)
	}
	key := fuzzKey(f)
	c := &Channel{cfg: Config{AppID: testAppID, Token: testToken}, key: key, now: func() time.Time { return time.Unix(1700000000, 0) }}
	f.Fuzz(func(t *testing.T, body []byte) {
		var rq request
		if err := xml.Unmarshal(body, &rq.msg); err != nil || rq.msg.FromUserName == "" || rq.msg.MsgType == "" {
			return // the handler answers 400 and keeps it
		}
		in, kind, v := normalize(&rq.msg)
		if in.Channel != "wechat" || in.ExternalUserID != string(rq.msg.FromUserName) || in.ExternalMessageID == "" {
			t.Fatalf("normalized to %+v", in)
		}
		in2, kind2, v2 := normalize(&rq.msg)
		if !reflect.DeepEqual(in, in2) || kind != kind2 || v != v2 {
			t.Fatalf("normalize is not deterministic: %+v / %+v", in, in2)
		}
		if v != forward || in.Text == "" {
			return
		}
		for _, enc := range []bool{false, true} {
			rq.encrypted = enc
			b, err := c.passiveXML(&rq, in.Text)
			if err != nil {
				t.Fatal(err)
			}
			if enc {
				var env struct {
					Encrypt string `xml:"Encrypt"`
				}
				if err := xml.Unmarshal(b, &env); err != nil {
					t.Fatalf("sealed reply %s: %v", b, err)
				}
				if b, err = decrypt(key, testAppID, env.Encrypt); err != nil {
					t.Fatalf("sealed reply does not open: %v", err)
				}
			}
			var back message.MixMessage
			if err := xml.Unmarshal(b, &back); err != nil {
				t.Fatalf("reply %s does not parse: %v", b, err)
			}
			if back.Content != in.Text || back.ToUserName != rq.msg.FromUserName || back.FromUserName != rq.msg.ToUserName {
				t.Fatalf("reply %s parses to %q for %q, want %q for %q", b, back.Content, back.ToUserName, in.Text, rq.msg.FromUserName)
			}
		}
	})
}
