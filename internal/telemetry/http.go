package telemetry

import (
	"time"

	"github.com/gofiber/fiber/v2"
)

// Unmatched is the route label of a request no route took (a 404 or 405
// the app answered itself): raw paths would make a series per URL.
const Unmatched = "unmatched"

// HTTP is the Fiber middleware that counts each request by method, route
// pattern (Fiber's, e.g. /api/submissions/:sid) and status, and observes its
// latency. It must come first, before the recover middleware: it runs the
// app's error handler itself, so the status it counts is the one sent.
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
		// Fiber reuses the context's strings once the handler returns: the
		// label values are copied by the vectors before that.
		route := Unmatched
		if r := c.Route(); r.Method != "USE" && r.Path != "" {
			route = r.Path
		}
		m.observeHTTP(c.Method(), route, c.Response().StatusCode(), time.Since(started))
		return nil
	}
}
