package request

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/gofiber/fiber/v2"
)

// SubmittedFile returns a submission's multipart "file" or its "code"
// field, read up to just over max bytes (judging checks the size).
func SubmittedFile(c *fiber.Ctx, max int) ([]byte, string, error) {
	fh, err := c.FormFile("file")
	code := c.FormValue("code")
	switch {
	case err == nil && code != "":
		return nil, "", BadRequest("send either file or code, not both")
	case err == nil:
		if fh.Size > int64(max) {
			return nil, "", BadRequest(fmt.Sprintf("file: %d bytes is over the limit of %d", fh.Size, max))
		}
		data, err := Upload(c, "file", int64(max)+1, "")
		return data, filepath.Base(fh.Filename), err
	case code != "":
		return []byte(code), "", nil
	default:
		return nil, "", BadRequest("send the solution as a multipart file field \"file\" or a text field \"code\"")
	}
}

// Upload reads the multipart file field, up to limit bytes; missing is the
// message when there is none.
func Upload(c *fiber.Ctx, field string, limit int64, missing string) ([]byte, error) {
	fh, err := c.FormFile(field)
	if err != nil {
		return nil, BadRequest(missing)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, BadRequest(field + ": cannot be read")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit))
	if err != nil {
		return nil, BadRequest(field + ": cannot be read")
	}
	return data, nil
}
