package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/skillarena/arena/internal/demo"
	"github.com/skillarena/arena/internal/testenv"
)

// TestIntegrationUIDemoFinal opens the demo's finished contest in Chromium:
// a viewer in Berlin sees its times in Beijing time with their own time
// beside them, a viewer in Beijing sees no second time, and the organizer
// finds the certificate review ready with its flags.
func TestIntegrationUIDemoFinal(t *testing.T) {
	p := startPlatform(t)
	ctx := testenv.Browser(t)
	start, _, _, err := demo.FinalSchedule(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	local := start.In(berlin)
	_, off := local.Zone()
	wantLocal := fmt.Sprintf("%s UTC+%d", local.Format("2006-01-02 15:04:05"), off/3600)

	for _, tc := range []struct {
		zone   string
		viewer bool
	}{{"Europe/Berlin", true}, {"Asia/Shanghai", false}} {
		tab := newBrowserContext(t, ctx)
		step(t, tab, "browser in "+tc.zone, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: tc.zone})
			return err
		}))
		step(t, tab, "open the finished contest in "+tc.zone, chromedp.Navigate(p.URL+"/contests/"+demo.FinalID+"?lang=en"),
			chromedp.WaitVisible(`#main`))
		shown := eval[string](t, tab, `document.querySelector('time[data-offset]').textContent`)
		if !strings.HasPrefix(shown, start.Format("2006-01-02")+" 09:00:00") || !strings.HasSuffix(shown, "UTC+8") {
			t.Errorf("%s: start shown as %q, want 09:00:00 UTC+8", tc.zone, shown)
		}
		if tc.viewer {
			waitFor(t, tab, "the viewer's time", `document.querySelector('time[data-offset] + .viewer-time') !== null`)
			if got := eval[string](t, tab, `document.querySelector('time[data-offset] + .viewer-time').textContent`); got != "your time: "+wantLocal {
				t.Errorf("viewer's time %q, want %q", got, "your time: "+wantLocal)
			}
			shot(t, tab, "demo-final-viewer-time")
		} else if n := eval[int](t, tab, `document.querySelectorAll('.viewer-time').length`); n != 0 {
			t.Errorf("a viewer in the contest's zone sees %d second times", n)
		}
	}

	tab := newBrowserContext(t, ctx)
	uiLogin(t, tab, p, "organizer", "/contests/"+demo.FinalID+"/certificates")
	waitFor(t, tab, "the review", `document.querySelectorAll('#cert-review tbody tr[data-contestant]').length === 12`)
	for user, want := range map[string]string{"alice": "gold/二级/技师", "bob": "silver/四级/中级工", "carol": "bronze/三级/高级工", "feng": "excellence/", "hu": "/"} {
		got := eval[string](t, tab, `(r => r.dataset.award + '/' + r.dataset.level)(document.querySelector('#c-`+user+`'))`)
		if got != want {
			t.Errorf("%s on the review: award/level %q, want %q", user, got, want)
		}
	}
	noUntranslated(t, tab, "certificate review of the demo")
	shot(t, tab, "demo-final-review")
}
