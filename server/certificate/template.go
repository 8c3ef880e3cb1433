package certificate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/document"
)

// Template is how an organizer adjusts the printed certificates of a
// contest: the title, the issuer's lines (e.g. the organizing committee
// and the evaluation agency) and a logo. It is not part of what is signed,
// so it may change after finalizing; certificates print with the template
// of the moment.
type Template struct {
	// Title and TitleEn replace the heading of certificates with a level
	// (职业技能等级证书), AwardTitle and AwardTitleEn that of award-only
	// ones (荣誉证书).
	Title        string `json:"title,omitempty"`
	TitleEn      string `json:"title_en,omitempty"`
	AwardTitle   string `json:"award_title,omitempty"`
	AwardTitleEn string `json:"award_title_en,omitempty"`
	// Issuer are the lines printed over the seal area, instead of the
	// rules' issuer; at most MaxIssuerLines.
	Issuer []string `json:"issuer,omitempty"`
	// Logo is a PNG or JPEG image, at most MaxLogoBytes.
	Logo []byte `json:"logo,omitempty"`
}

// Limits of a template.
const (
	MaxIssuerLines = 4
	MaxLogoBytes   = 512 << 10
	maxTitleRunes  = 40
)

func templateKey(cid string) string { return prefix(cid) + "template" }

// Template returns contest cid's certificate template; the zero template
// when none was set.
func (s *Service) Template(ctx context.Context, cid string) (Template, error) {
	var t Template
	raw, err := s.rdb.Get(ctx, templateKey(cid)).Bytes()
	if errors.Is(err, redis.Nil) {
		return t, nil
	}
	if err != nil {
		return t, fmt.Errorf("read the certificate template of %s: %w", cid, err)
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return t, fmt.Errorf("decode the certificate template of %s: %w", cid, err)
	}
	return t, nil
}

// SetTemplate replaces contest cid's certificate template, audited.
func (s *Service) SetTemplate(ctx context.Context, cid string, t Template, who, reason string) error {
	if _, err := s.contestWithRules(ctx, cid); err != nil {
		return err
	}
	t.Title, t.TitleEn = strings.TrimSpace(t.Title), strings.TrimSpace(t.TitleEn)
	t.AwardTitle, t.AwardTitleEn = strings.TrimSpace(t.AwardTitle), strings.TrimSpace(t.AwardTitleEn)
	var lines []string
	for _, l := range t.Issuer {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	t.Issuer = lines
	switch {
	case len([]rune(t.Title)) > maxTitleRunes || len([]rune(t.TitleEn)) > 2*maxTitleRunes ||
		len([]rune(t.AwardTitle)) > maxTitleRunes || len([]rune(t.AwardTitleEn)) > 2*maxTitleRunes:
		return badInput("cert.template_title", maxTitleRunes, 2*maxTitleRunes)
	case len(t.Issuer) > MaxIssuerLines:
		return badInput("cert.template_issuer_lines", MaxIssuerLines, len(t.Issuer))
	case len(t.Logo) > MaxLogoBytes:
		return badInput("cert.template_logo_size", len(t.Logo)>>10, MaxLogoBytes>>10)
	}
	for i, l := range t.Issuer {
		if len([]rune(l)) > maxTitleRunes {
			return badInput("cert.template_issuer_line", i+1, len([]rune(l)), maxTitleRunes)
		}
	}
	if len(t.Logo) > 0 {
		if err := document.CheckLogo(t.Logo); err != nil {
			return badInput("cert.template_logo")
		}
	}
	b, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encode the certificate template: %w", err)
	}
	if err := s.rdb.Set(ctx, templateKey(cid), b, 0).Err(); err != nil {
		return fmt.Errorf("save the certificate template of %s: %w", cid, err)
	}
	return s.audit.Append(ctx, cid, audit.Entry{Who: who, Action: "certificate.template", Reason: reason,
		Details: map[string]any{"title": t.Title, "award_title": t.AwardTitle, "issuer": strings.Join(t.Issuer, " / "), "logo_bytes": len(t.Logo)}})
}
