package certificate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIntegrationAgencyNumbers: a national number goes on one certificate
// only, needs a reason, and a file of them is taken all or nothing, each
// record signed again.
func TestIntegrationAgencyNumbers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	recs := f.finalized(t, "bc", 0)
	if len(recs) < 3 {
		t.Fatalf("%d certificates, want 3 or more", len(recs))
	}
	a, b, c := recs[0], recs[1], recs[2]
	const n1, n2, n3 = "S000044010001245000001", "S000044010001245000002", "S000044010001245000003"
	var ie *InputError
	if _, err := f.svc.SetAgencyNumber(ctx, a.Number, n1, "org", ""); !errors.As(err, &ie) || !strings.Contains(err.Error(), "reason") {
		t.Fatalf("without a reason: %v", err)
	}
	if _, err := f.svc.SetAgencyNumber(ctx, a.Number, n1, "org", "agency list of June"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetAgencyNumber(ctx, b.Number, n1, "org", "typo"); !errors.As(err, &ie) || !strings.Contains(err.Error(), a.Number) {
		t.Fatalf("the same national number on a second certificate: %v", err)
	}
	if r, _ := f.svc.Record(ctx, b.Number); r.AgencyNumber != "" {
		t.Fatalf("the refused number was recorded: %q", r.AgencyNumber)
	}
	// A certificate's own number again is fine; a new one frees the old.
	if _, err := f.svc.SetAgencyNumber(ctx, a.Number, n1, "org", "again"); err != nil {
		t.Fatal(err)
	}

	csvFile := func(rows ...string) []byte {
		return []byte("证书编号,身份证号,全国统一编号\n" + strings.Join(rows, "\n") + "\n")
	}
	for _, tc := range []struct {
		name string
		file []byte
		want []string
	}{
		{"a bad number and an unknown certificate", csvFile(b.Number+",,S123", "nope,,"+n3),
			[]string{"line 2: national number", `line 3: certificate number: "nope"`}},
		{"one number twice", csvFile(b.Number+",,"+n2, c.Number+",,"+n2), []string{"line 3: national number " + n2 + " is already on line 2"}},
		{"a number another certificate holds", csvFile(b.Number + ",," + n1), []string{n1 + " is already on certificate " + a.Number}},
		{"an ID number with no certificate", csvFile(",110101199001010000," + n2), []string{"line 2: ID number"}},
		{"no national number column", []byte("证书编号\n" + b.Number + "\n"), []string{"全国统一编号"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.ImportAgencyNumbers(ctx, "bc", tc.file, "org", "agency list")
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), "nothing imported") && !strings.Contains(err.Error(), "line 1") {
				t.Fatalf("err %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			for _, r := range []Record{b, c} {
				if got, _ := f.svc.Record(ctx, r.Number); got.AgencyNumber != "" {
					t.Fatalf("a refused file gave %s the number %s", r.Number, got.AgencyNumber)
				}
			}
		})
	}
	if _, err := f.svc.ImportAgencyNumbers(ctx, "bc", csvFile(b.Number+",,"+n2), "org", ""); !errors.As(err, &ie) || !strings.Contains(err.Error(), "reason") {
		t.Fatalf("a file without a reason: %v", err)
	}
	// By certificate number and by ID number (lower-case x and spaces allowed), and a's number replaced.
	n, err := f.svc.ImportAgencyNumbers(ctx, "bc", csvFile(b.Number+",,"+n2, ", "+strings.ToLower(c.Holder.IDNumber)+" ,"+n3, a.Number+",,S000044010001245000004"), "org", "agency list of July")
	if err != nil || n != 3 {
		t.Fatalf("import: %d %v", n, err)
	}
	pubPEM, err := os.ReadFile(filepath.Join(f.keys, PublicKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := ParsePublicKeys(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	for number, want := range map[string]string{a.Number: "S000044010001245000004", b.Number: n2, c.Number: n3} {
		r, err := f.svc.Record(ctx, number)
		if err != nil || r.AgencyNumber != want || VerifyRecord(*r, keys...) != nil {
			t.Fatalf("%s: %q (want %s), signature %v", number, r.AgencyNumber, want, VerifyRecord(*r, keys...))
		}
	}
	// n1 is free again: a's old number may go on another certificate... but not n2.
	if _, err := f.svc.SetAgencyNumber(ctx, recs[len(recs)-1].Number, n1, "org", "reused after the correction"); err != nil {
		t.Fatalf("the replaced number is not free: %v", err)
	}
	acts := auditActions(t, f.audit, "bc")
	if e, ok := acts["certificate.agency_numbers"]; !ok || e.Reason != "agency list of July" || e.Details["certificates"] != float64(3) {
		t.Fatalf("audit: %+v", e)
	}
}
