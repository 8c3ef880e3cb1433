package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/server/roster"
)

// idNumber makes a valid resident ID number from its first 17 digits.
func idNumber(first17 string) string {
	return first17 + string(roster.IDCheckDigit(first17))
}

// TestIntegrationUIImport: an organizer previews a contestant list with one
// bad row, sees that row's problem, fixes it in place, imports, and gets
// the login slips — which work.
func TestIntegrationUIImport(t *testing.T) {
	p := startPlatform(t)
	ctx := testenv.Browser(t)
	uiLogin(t, ctx, p, "organizer", "/contests/demo/import")

	good := idNumber("11010519900307123")
	bad := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11]) // wrong check digit
	fixed := idNumber("33010619920512456")
	list := "姓名,身份证号,单位\n张三," + good + ",深圳职业技术学院\n李四," + bad + ",杭州职业技术学院\n"

	step(t, ctx, "paste the list", chromedp.SetValue(`#import-text`, list))
	clickThrough(t, ctx, "preview", `#import-preview`, `document.getElementById('preview') !== null`)
	waitFor(t, ctx, "the bad row and why", `document.querySelector('#preview-problems') !== null
		&& document.querySelectorAll('tr.bad-row').length === 1
		&& document.querySelector('tr.bad-row').dataset.line === '3'
		&& document.querySelector('tr.bad-row .row-problems').textContent.includes('身份证号：校验位应为')
		&& document.getElementById('import-go') === null`)
	noUntranslated(t, ctx, "import preview")
	shot(t, ctx, "import-preview")
	if text := eval[string](t, ctx, `document.getElementById('import-text').value`); !strings.Contains(text, "李四") {
		t.Fatalf("the list is not kept for fixing: %q", text)
	}

	step(t, ctx, "fix the row", chromedp.SetValue(`#import-text`, strings.Replace(list, bad, fixed, 1)))
	clickThrough(t, ctx, "preview again", `#import-preview`, `document.getElementById('preview-ok') !== null`)
	clickThrough(t, ctx, "import", `#import-go`, `document.getElementById('slip-table') !== null`)
	rows := eval[[][]string](t, ctx, `[...document.querySelectorAll('#slip-table tbody tr')].map(tr => [...tr.children].map(td => td.textContent.trim()))`)
	if len(rows) != 2 || rows[0][2] != "张三" || rows[1][2] != "李四" {
		t.Fatalf("login slips %v", rows)
	}
	if href := eval[string](t, ctx, `document.getElementById('slips-download').href`); !strings.HasPrefix(href, "blob:") {
		t.Fatalf("the password sheet is not ready to download: %q", href)
	}
	noUntranslated(t, ctx, "login slips")

	// The slip's password logs in, and the new contestant is on the contest.
	body, _ := json.Marshal(map[string]string{"username": rows[1][0], "password": rows[1][1]})
	resp, err := http.Post(p.URL+"/api/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("log in with the slip of %s: %s", rows[1][0], resp.Status)
	}
	if _, ok := p.board().row(rows[1][0]); !ok {
		t.Fatalf("%s is not on the demo board", rows[1][0])
	}
}
