package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/document"
)

func exportWinnersCommand() command {
	return command{
		name: "export winners", usage: "",
		summary: "write a contest's winner list (CSV with BOM, XLSX, JSON), its certificates (PDF) or their signed records (records: the JSON arena certificate verify reads), personal data in full; audited",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env, []string) error {
			var sf storeFlags
			sf.register(fs)
			cid := fs.String("contest", "", "contest id (required)")
			format := fs.String("format", "", "csv, xlsx, json, pdf or records (default: from --out's extension, else csv)")
			out := fs.String("out", "", "output file (default winners-CONTEST.FORMAT; - for standard output)")
			all := fs.Bool("all", false, "list every ranked participant, not only winners")
			lng := fs.String("lang", "zh", "header language: zh or en")
			split := fs.String("split", "", "pdf: also write one PDF per certificate into this directory")
			sf.registerPublicURL(fs)
			fs.StringVar(&sf.publicURL, "base-url", "", "the same as --public-url (its older name)")
			font := fs.String("cert-font", "", "pdf: a .ttf/.ttc font with Chinese glyphs (default: found among the installed fonts)")
			return func(ctx context.Context, env *Env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("unexpected arguments %q", args)
				}
				if *cid == "" {
					return errors.New("--contest: say which contest")
				}
				f := *format
				if f == "" {
					f = strings.TrimPrefix(filepath.Ext(*out), ".")
				}
				if f == "" {
					f = "csv"
				}
				if f != "csv" && f != "xlsx" && f != "json" && f != "pdf" && f != "records" {
					return fmt.Errorf("--format: %q is not one of csv, xlsx, json, pdf, records", f)
				}
				if err := sf.checkPublicURL(); err != nil {
					return err
				}
				if sf.publicURL == "" && f != "records" {
					fmt.Fprintln(env.Stderr, noPublicURL(certificate.DefaultPublicURL))
				}
				if *lng != "zh" && *lng != "en" {
					return fmt.Errorf("--lang: use zh or en")
				}
				if *split != "" && f != "pdf" {
					return errors.New("--split goes with --format pdf")
				}
				st, err := openStores(ctx, sf)
				if err != nil {
					return err
				}
				defer st.rdb.Close()
				var buf bytes.Buffer
				n, err := writeExport(ctx, st.certs, &buf, exportOptions{contest: *cid, format: f, all: *all, lang: *lng,
					split: *split, font: *font}, env)
				if err != nil {
					return err
				}
				path := *out
				if path == "" {
					path = "winners-" + *cid + "." + f
					if f == "records" {
						path = "certificates-" + *cid + ".json"
					}
				}
				if path == "-" {
					_, err = io.Copy(env.Stdout, &buf)
					return err
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
					return fmt.Errorf("write %s: %w", path, err)
				}
				fmt.Fprintf(env.Stderr, "wrote %d %s to %s (personal data in full: keep it safe)\n", n,
					map[bool]string{true: "certificate(s)", false: "row(s)"}[f == "pdf" || f == "records"], path)
				return nil
			}
		},
	}
}

type exportOptions struct {
	contest, format, lang, split, font string
	all                                bool
}

// exportBy is who the audit log names for exports from the command line.
const exportBy = "arena"

// writeExport writes the winner list, the certificates or their signed
// records to w, audited, and returns how many rows or certificates it wrote.
func writeExport(ctx context.Context, svc *certificate.Service, w io.Writer, o exportOptions, env *Env) (int, error) {
	if o.format != "pdf" && o.format != "records" {
		list, err := svc.Winners(ctx, o.contest, o.all)
		if err != nil {
			return 0, err
		}
		list.Link(svc.PublicURL())
		if err := svc.AuditExport(ctx, o.contest, exportBy, certificate.ExportWinners, o.format, len(list.Winners)); err != nil {
			return 0, err
		}
		switch o.format {
		case "xlsx":
			err = list.WriteXLSX(w, o.lang)
		case "json":
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			err = enc.Encode(list)
		default:
			err = list.WriteCSV(w, o.lang)
		}
		return len(list.Winners), err
	}
	recs, err := svc.IssuedRecords(ctx, o.contest)
	if err != nil {
		return 0, err
	}
	if o.format == "records" {
		if err := svc.AuditExport(ctx, o.contest, exportBy, certificate.ExportRecords, "json", len(recs)); err != nil {
			return 0, err
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return len(recs), enc.Encode(recs)
	}
	var live []certificate.Record
	for _, r := range recs {
		if r.Revoked == nil {
			live = append(live, r)
		}
	}
	font, err := document.FindFont(ctx, o.font)
	if err != nil {
		return 0, err
	}
	if err := svc.AuditExport(ctx, o.contest, exportBy, certificate.ExportCertificates, "pdf", len(live)); err != nil {
		return 0, err
	}
	tmpl, err := svc.Template(ctx, o.contest)
	if err != nil {
		return 0, err
	}
	opt := certificate.PDFOptions{BaseURL: svc.PublicURL(), Font: font, Template: &tmpl}
	if o.split != "" {
		if err := os.MkdirAll(o.split, 0o700); err != nil {
			return 0, err
		}
		for _, r := range live {
			var one bytes.Buffer
			if err := certificate.WritePDF(&one, []certificate.Record{r}, opt); err != nil {
				return 0, err
			}
			p := filepath.Join(o.split, r.Number+".pdf")
			if err := os.WriteFile(p, one.Bytes(), 0o600); err != nil {
				return 0, fmt.Errorf("write %s: %w", p, err)
			}
		}
		fmt.Fprintf(env.Stderr, "wrote %d certificate(s), one file each, to %s\n", len(live), o.split)
	}
	return len(live), certificate.WritePDF(w, live, opt)
}
