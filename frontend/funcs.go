package frontend

import (
	"fmt"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// funcs are the helpers templates may call.
func (u *UI) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) (string, error) {
			a, ok := u.assets[name]
			if !ok {
				return "", fmt.Errorf("no static asset %q", name)
			}
			return a.url, nil
		},
		"t":  u.msgs.T,
		"tf": u.msgs.Tf,
		// say is a message in the page's language, or its English.
		"say":      u.msgs.SayOr,
		"jsmsg":    u.msgs.JS,
		"clock":    clock,
		"at":       at,
		"iso":      iso,
		"dur":      duration,
		"num":      number,
		"size":     size,
		"lines":    func(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") },
		"add":      func(a, b int) int { return a + b },
		"linediff": LineDiff,
		// dataurl makes a text downloadable from the page itself.
		"dataurl": func(s string) template.URL {
			return template.URL("data:text/plain;charset=utf-8," + url.PathEscape(s)) //nolint:gosec // fixed scheme, escaped text
		},
		"percent": func(f float64) string { return strconv.Itoa(int(math.Round(f*100))) + "%" },
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
	}
}

// when returns t as a time, accepting time.Time and *time.Time (nil: zero).
func when(t any) time.Time {
	switch v := t.(type) {
	case time.Time:
		return v
	case *time.Time:
		if v != nil {
			return *v
		}
	}
	return time.Time{}
}

// clock formats a moment in zone loc (a page's Zone: its contest's), to
// the second, with the zone's offset, for text: "2026-05-01 09:00:00 UTC+8".
func clock(t any, loc *time.Location) (string, error) {
	w := when(t)
	if w.IsZero() {
		return "—", nil
	}
	if loc == nil {
		return "", fmt.Errorf("clock: no time zone given")
	}
	return Clock(w, loc), nil
}

// Clock is clock for Go code: t in loc, with the zone's offset.
func Clock(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return t.Format("2006-01-02 15:04:05") + " " + offsetName(t)
}

// at is a moment in zone loc as a <time> element: the time there and the
// zone's offset, the IANA name as its title, and its offset in minutes for
// common.js, which adds the viewer's own time where their zone differs.
func at(t any, loc *time.Location) (template.HTML, error) {
	w := when(t)
	if w.IsZero() {
		return "—", nil
	}
	if loc == nil {
		return "", fmt.Errorf("at: no time zone given")
	}
	w = w.In(loc)
	_, off := w.Zone()
	return template.HTML(fmt.Sprintf(`<time datetime="%s" data-offset="%d" title="%s">%s <span class="tz">%s</span></time>`,
		iso(w), off/60, template.HTMLEscapeString(loc.String()), w.Format("2006-01-02 15:04:05"), offsetName(w))), nil
}

// offsetName names t's zone offset: UTC, UTC+8, UTC-3:30.
func offsetName(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return "UTC"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	if off%3600 == 0 {
		return fmt.Sprintf("UTC%s%d", sign, off/3600)
	}
	return fmt.Sprintf("UTC%s%d:%02d", sign, off/3600, off/60%60)
}

// iso formats a moment for datetime attributes and scripts.
func iso(t any) string {
	w := when(t)
	if w.IsZero() {
		return ""
	}
	return w.UTC().Format(time.RFC3339)
}

// duration formats seconds as H:MM:SS (or D d H:MM:SS past a day).
func duration(v any) string {
	var s int64
	switch x := v.(type) {
	case int64:
		s = x
	case int:
		s = int64(x)
	case time.Duration:
		s = int64(x / time.Second)
	case float64:
		s = int64(x)
	}
	sign := ""
	if s < 0 {
		sign, s = "-", -s
	}
	d, h, m, sec := s/86400, s/3600%24, s/60%60, s%60
	if d > 0 {
		return fmt.Sprintf("%s%dd %d:%02d:%02d", sign, d, h, m, sec)
	}
	return fmt.Sprintf("%s%d:%02d:%02d", sign, h, m, sec)
}

// number formats a score: at most two decimals, no trailing zeros.
func number(f float64) string {
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

// size formats a byte count.
func size(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	case n < 1<<30:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
}
