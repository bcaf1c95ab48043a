package webchat

import "testing"

// Only the configured origins may frame the chat page; a value that could
// smuggle another directive into the CSP is dropped.
func TestFrameAncestors(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, "; frame-ancestors 'none'"},
		{[]string{" https://shop.example.com ", "https://m.example.com"}, "; frame-ancestors https://shop.example.com https://m.example.com"},
		{[]string{"https://a.example; script-src *"}, "; frame-ancestors 'none'"},
	} {
		if got := frameAncestors(tc.in); got != tc.want {
			t.Errorf("frameAncestors(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
