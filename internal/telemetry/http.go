package telemetry

import (
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Unmatched is the route label of a request no route took (a 404 or 405
// the app answered itself): raw paths would make a series per URL.
const Unmatched = "unmatched"

// routeLocal is the Fiber local SetRoute leaves for HTTP.
const routeLocal = "telemetry.route"

// route is a request's entry of the route table.
type route struct{ method, pattern string }

// SetRoute records, from the first handler of a route, the route table's
// method and pattern (e.g. /api/submissions/:sid) the request matched; the
// middleware cannot tell a route from a prefix middleware by itself.
func SetRoute(c *fiber.Ctx, method, pattern string) {
	c.Locals(routeLocal, route{method, pattern})
}

// HTTP is the Fiber middleware that counts each request by method, route
// pattern (SetRoute's) and status, and observes its latency. It must come
// first, before the recover middleware: it runs the app's error handler
// itself, so the status it counts is the one sent.
func (m *Metrics) HTTP() fiber.Handler {
	return func(c *fiber.Ctx) error {
		if m == nil {
			return c.Next()
		}
		started := time.Now()
		err := c.Next()
		if err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		// The route table's strings, not the request's: Fiber reuses those
		// once the handler returns, and a client picks them.
		r, ok := c.Locals(routeLocal).(route)
		if !ok {
			r = route{"OTHER", Unmatched}
			if i := slices.Index(fiber.DefaultMethods, c.Method()); i >= 0 {
				r.method = fiber.DefaultMethods[i]
			}
		}
		m.observeHTTP(r.method, r.pattern, c.Response().StatusCode(), time.Since(started))
		return nil
	}
}
