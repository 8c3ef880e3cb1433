package privacy

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/skillarena/arena/server/account"
)

func TestMask(t *testing.T) {
	for _, tt := range []struct {
		name string
		mask func(string) string
		in   string
		want string
	}{
		{"id", MaskIDNumber, "110105199003071234", "110105********1234"},
		{"id with X", MaskIDNumber, "11010519491231002X", "110105********002X"},
		{"id short", MaskIDNumber, "12345678", "******78"},
		{"id empty", MaskIDNumber, "", ""},
		{"phone", MaskPhone, "13812345678", "138****5678"},
		{"phone landline", MaskPhone, "075512345678", "075*****5678"},
		{"phone short", MaskPhone, "12345", "****5"},
		{"phone tiny", MaskPhone, "12", "**"},
		{"phone empty", MaskPhone, "", ""},
		{"email", MaskEmail, "alice@example.com", "a***@example.com"},
		{"email one letter", MaskEmail, "a@example.com", "a***@example.com"},
		{"email chinese", MaskEmail, "张三@example.cn", "张***@example.cn"},
		{"email no local", MaskEmail, "@example.com", "***@example.com"},
		{"email empty", MaskEmail, "", ""},
		{"not an email", MaskEmail, "abcdefgh", "a*******"},
	} {
		if got := tt.mask(tt.in); got != tt.want {
			t.Errorf("%s: mask(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestViews(t *testing.T) {
	u := account.User{Username: "ann", Name: "安", Organization: "Org", Team: "Red", Role: account.Contestant,
		IDNumber: "110105199003071234", Phone: "13812345678", Email: "ann@example.com"}
	m := Masked(u)
	if m.ID != "ann" || m.Name != "安" || m.Organization != "Org" || m.Team != "Red" {
		t.Errorf("public fields changed: %+v", m)
	}
	b, _ := json.Marshal(m)
	for _, secret := range []string{u.IDNumber, u.Phone, u.Email} {
		if strings.Contains(string(b), secret) {
			t.Errorf("masked view %s shows %q", b, secret)
		}
	}
	if f := Full(u); f.IDNumber != u.IDNumber || f.Phone != u.Phone || f.Email != u.Email {
		t.Errorf("full view lost data: %+v", f)
	}
	// The account type itself never carries personal data into JSON.
	raw, _ := json.Marshal(u)
	for _, secret := range []string{u.IDNumber, u.Phone, u.Email} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("account.User JSON %s shows %q", raw, secret)
		}
	}
}
