package document

import (
	"strings"
	"testing"
)

// TestCertificateLayoutKeepsBlocksApart lays out pages whose texts grow
// from short to far too long and checks, by the PDF library's own
// measurements, that no two pieces of text overlap, none covers the QR
// code and all stay inside the frame.
func TestCertificateLayoutKeepsBlocksApart(t *testing.T) {
	font := findFont(t)
	base := CertificatePage{Heading: "职业技能等级证书", HeadingEn: "Vocational Skill Level Certificate", Name: "张三",
		Text: "参加区块链应用操作员职业技能竞赛，获得第1名，荣获金牌。", Issuer: "组委会", Date: "2025年6月2日",
		Link: "https://arena.example.org/verify/bc-2025-0001?code=7K2QD0M1ABCDEFGHJKMN", Number: "bc-2025-0001",
		Code:  "验证码 7K2QD-0M1AB-CDEFG-HJKMN",
		Facts: [][2]string{{"证件号码", "110105199003071239"}, {"成绩", "94.00（理论 80.00）（实操 100.00）"}, {"证书编号", "bc-2025-0001"}}}
	for _, n := range []int{1, 8, 20, 40, 80} {
		p := base
		p.Name = strings.Repeat("阿", n)
		p.Issuer = strings.Repeat("委", n)
		p.IssuerLines = []string{strings.Repeat("甲", n), strings.Repeat("乙", n/2+1), "（盖章）"}
		p.Number = "GD-" + strings.Repeat("9", n)
		p.Facts = append(p.Facts, [2]string{"职业（工种）", strings.Repeat("区块链应用操作员", n/8+1)})
		boxes, err := LayoutBoxes(font, p)
		if err != nil {
			t.Fatal(err)
		}
		var qr Box
		whole := map[string]bool{}
		all := ""
		for _, b := range boxes {
			if b.Text == "QR" {
				qr = b
			}
			whole[b.Text] = true
			all += b.Text
		}
		// Names as long as real ones are printed whole (issuer lines may
		// wrap); longer ones are cut, never overlap.
		if n <= 20 && (!whole[p.Name] || !whole[p.Number] || !strings.Contains(all, p.IssuerLines[0]+p.IssuerLines[1])) {
			t.Errorf("%d characters: the name, issuer or number was cut: %v", n, whole)
		}
		if qr.W == 0 {
			t.Fatal("no QR code laid out")
		}
		for i, a := range boxes {
			if a.X < 12.5 || a.Y < 12.5 || a.X+a.W > pageW-12.5 || a.Y+a.H > pageH-12.5 {
				t.Errorf("%d characters: %q leaves the frame: %+v", n, a.Text, a)
			}
			for _, b := range boxes[i+1:] {
				if a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H {
					t.Errorf("%d characters: %q overlaps %q: %+v %+v", n, a.Text, b.Text, a, b)
				}
			}
		}
	}
}
