package email

import (
	"html"
	"regexp"
	"strings"
)

// A small HTML scanner: enough for mail bodies, with no dependency. It
// never executes or fetches anything; what it does not understand becomes
// text or is dropped.

type htmlToken struct {
	text    string // for text tokens (entities decoded)
	tag     string // lower-case tag name; "" for text
	end     bool   // </tag>
	selfEnd bool   // <tag/>
	attrs   [][2]string
}

// scanHTML splits s into text and tag tokens. Comments, doctypes and
// processing instructions are skipped.
func scanHTML(s string, emit func(htmlToken)) {
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			emit(htmlToken{text: html.UnescapeString(s)})
			return
		}
		if i > 0 {
			emit(htmlToken{text: html.UnescapeString(s[:i])})
			s = s[i:]
		}
		switch {
		case strings.HasPrefix(s, "<!--"):
			if j := strings.Index(s, "-->"); j >= 0 {
				s = s[j+3:]
			} else {
				return
			}
			continue
		case strings.HasPrefix(s, "<!"), strings.HasPrefix(s, "<?"):
			if j := strings.IndexByte(s, '>'); j >= 0 {
				s = s[j+1:]
			} else {
				return
			}
			continue
		}
		tok, rest, ok := scanTag(s)
		if !ok {
			emit(htmlToken{text: "<"})
			s = s[1:]
			continue
		}
		emit(tok)
		s = rest
	}
}

// scanTag reads one tag at the start of s ("<a href=x>", "</p>").
func scanTag(s string) (htmlToken, string, bool) {
	var t htmlToken
	i := 1
	if i < len(s) && s[i] == '/' {
		t.end = true
		i++
	}
	start := i
	for i < len(s) && isNameByte(s[i]) {
		i++
	}
	if i == start {
		return t, s, false
	}
	t.tag = strings.ToLower(s[start:i])
	for i < len(s) {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			break
		}
		switch s[i] {
		case '>':
			return t, s[i+1:], true
		case '/':
			t.selfEnd = true
			i++
			continue
		}
		ks := i
		for i < len(s) && !isSpace(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/' {
			i++
		}
		key := strings.ToLower(s[ks:i])
		val := ""
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i < len(s) && s[i] == '=' {
			i++
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			if i < len(s) && (s[i] == '"' || s[i] == '\'') {
				q := s[i]
				j := strings.IndexByte(s[i+1:], q)
				if j < 0 {
					return t, "", true
				}
				val = s[i+1 : i+1+j]
				i += j + 2
			} else {
				vs := i
				for i < len(s) && !isSpace(s[i]) && s[i] != '>' {
					i++
				}
				val = s[vs:i]
			}
		}
		if key != "" {
			t.attrs = append(t.attrs, [2]string{key, html.UnescapeString(val)})
		}
	}
	return t, "", true
}

func isNameByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == ':'
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' }

// Elements whose content is never text for a reader.
var hiddenTags = map[string]bool{"script": true, "style": true, "head": true, "title": true, "noscript": true, "template": true, "iframe": true, "object": true, "svg": true}

var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "tr": true, "li": true, "ul": true, "ol": true, "table": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true,
	"pre": true, "hr": true, "section": true, "article": true, "header": true, "footer": true,
}

var spacesRe = regexp.MustCompile(`[ \t\f\r\n]+`)

// HTMLToText renders an HTML body as plain text for the dialog engine:
// blocks become lines, list items "- ", quoted blocks "> " (so
// StripQuoted drops them), links keep their address.
func HTMLToText(s string) string {
	var b strings.Builder
	var line strings.Builder
	hidden, quote, pre := 0, 0, 0
	flush := func() {
		l := strings.TrimSpace(line.String())
		line.Reset()
		if l == "" {
			if !strings.HasSuffix(b.String(), "\n\n") && b.Len() > 0 {
				b.WriteString("\n")
			}
			return
		}
		b.WriteString(strings.Repeat("> ", quote) + l + "\n")
	}
	var href string
	scanHTML(s, func(t htmlToken) {
		if t.tag == "" {
			if hidden > 0 {
				return
			}
			if pre > 0 {
				parts := strings.Split(t.text, "\n")
				for i, p := range parts {
					if i > 0 {
						flush()
					}
					line.WriteString(p)
				}
				return
			}
			line.WriteString(spacesRe.ReplaceAllString(t.text, " "))
			return
		}
		if hiddenTags[t.tag] && !t.selfEnd {
			if t.end {
				if hidden > 0 {
					hidden--
				}
			} else {
				hidden++
			}
			return
		}
		switch t.tag {
		case "a":
			if !t.end {
				href = attr(t, "href")
			} else if href != "" && safeURL(href) && !strings.HasPrefix(href, "mailto:") && !strings.Contains(line.String(), href) {
				line.WriteString(" (" + href + ")")
				href = ""
			}
		case "img":
			if alt := attr(t, "alt"); alt != "" {
				line.WriteString("[" + alt + "]")
			}
		case "td", "th":
			if t.end {
				line.WriteString(" ")
			}
		}
		if blockTags[t.tag] {
			flush()
			switch t.tag {
			case "blockquote":
				if t.end && quote > 0 {
					quote--
				} else if !t.end {
					quote++
				}
			case "pre":
				if t.end && pre > 0 {
					pre--
				} else if !t.end {
					pre++
				}
			case "li":
				if !t.end {
					line.WriteString("- ")
				}
			}
		}
	})
	flush()
	return strings.TrimSpace(b.String())
}

func attr(t htmlToken, k string) string {
	for _, a := range t.attrs {
		if a[0] == k {
			return a[1]
		}
	}
	return ""
}

// Tags kept by SanitizeHTML, with the attributes each may keep.
var allowedTags = map[string][]string{
	"p": nil, "br": nil, "div": nil, "span": nil, "b": nil, "strong": nil, "i": nil, "em": nil, "u": nil,
	"ul": nil, "ol": nil, "li": nil, "blockquote": nil, "pre": nil, "code": nil, "hr": nil,
	"table": nil, "thead": nil, "tbody": nil, "tr": nil, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"},
	"h1": nil, "h2": nil, "h3": nil, "h4": nil, "h5": nil, "h6": nil,
	"a": {"href", "title"}, "img": {"src", "alt", "width", "height"},
}

var voidTags = map[string]bool{"br": true, "hr": true, "img": true}

// SanitizeHTML keeps a mail's HTML for display by agents: an allow-list
// of formatting tags, no scripts, styles, event handlers or forms; links
// only to http, https and mailto; images only from the mail itself (cid:),
// because remote images are trackers that tell the sender the mail was
// read. Unclosed tags are closed at the end.
func SanitizeHTML(s string) string {
	var b strings.Builder
	hidden := 0
	var open []string
	scanHTML(s, func(t htmlToken) {
		if t.tag == "" {
			if hidden == 0 {
				b.WriteString(html.EscapeString(t.text))
			}
			return
		}
		if hiddenTags[t.tag] && !t.selfEnd {
			if t.end {
				if hidden > 0 {
					hidden--
				}
			} else {
				hidden++
			}
			return
		}
		allowed, ok := allowedTags[t.tag]
		if !ok || hidden > 0 {
			return
		}
		if t.end {
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == t.tag {
					for j := len(open) - 1; j >= i; j-- {
						b.WriteString("</" + open[j] + ">")
					}
					open = open[:i]
					break
				}
			}
			return
		}
		b.WriteString("<" + t.tag)
		for _, k := range allowed {
			v := attr(t, k)
			if v == "" {
				continue
			}
			switch k {
			case "href":
				if !safeURL(v) {
					continue
				}
			case "src":
				if !strings.HasPrefix(strings.ToLower(v), "cid:") {
					continue
				}
			}
			b.WriteString(" " + k + `="` + html.EscapeString(v) + `"`)
		}
		if t.tag == "a" {
			b.WriteString(` rel="noopener noreferrer nofollow" target="_blank"`)
		}
		b.WriteString(">")
		if !voidTags[t.tag] && !t.selfEnd {
			open = append(open, t.tag)
		}
	})
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString("</" + open[i] + ">")
	}
	return strings.TrimSpace(b.String())
}

func safeURL(u string) bool {
	l := strings.ToLower(strings.TrimSpace(u))
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "mailto:")
}
