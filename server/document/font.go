// Package document renders and reads what SkillArena hands out and takes in
// as files: certificate pages as PDF with an embedded Chinese font, and
// spreadsheets (CSV that Excel opens safely, styled XLSX, CSV or XLSX read
// back). It knows the formats, not the records: server/certificate says
// what a certificate or a winner list holds.
package document

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Font is a TrueType font with Chinese glyphs, ready to embed in a PDF.
type Font struct {
	// Path is the file it came from; Face is the font's index in a collection (.ttc).
	Path string
	Face int
	// Data is the font alone as a TrueType file (taken out of its collection).
	Data []byte
}

// ErrNoFont: no font that can print Chinese is installed.
var ErrNoFont = errors.New("no Chinese TrueType font found: install one (apt-get install fonts-wqy-zenhei) or name a .ttf/.ttc file " +
	"with --cert-font (fonts with PostScript outlines, such as Noto CJK .otf/.ttc, cannot be embedded)")

// wellKnownFonts are the Debian font packages' files, best first.
var wellKnownFonts = []string{
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/arphic/ukai.ttc",
	"/usr/share/fonts/truetype/arphic/uming.ttc",
	"/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
	"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
}

// fontDirs are searched when neither a named font nor a well-known one fits.
func fontDirs() []string {
	dirs := []string{"/usr/share/fonts", "/usr/local/share/fonts"}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local/share/fonts"), filepath.Join(home, ".fonts"))
	}
	return dirs
}

// FindFont returns a font that prints Chinese: the file named (an error if
// it cannot), else the first suitable one of fontconfig's Chinese fonts,
// the Debian packages' files and the standard font directories.
func FindFont(ctx context.Context, named string) (*Font, error) {
	if named != "" {
		f, err := loadFont(named)
		if err != nil {
			return nil, fmt.Errorf("certificate font %s: %w", named, err)
		}
		return f, nil
	}
	var candidates []string
	if fc, err := exec.LookPath("fc-list"); err == nil {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		out, err := exec.CommandContext(cctx, fc, ":lang=zh-cn", "file").Output()
		cancel()
		if err == nil {
			sc := bufio.NewScanner(bytes.NewReader(out))
			for sc.Scan() {
				if p := strings.TrimSuffix(strings.TrimSpace(sc.Text()), ":"); p != "" {
					candidates = append(candidates, p)
				}
			}
			slices.Sort(candidates)
		}
	}
	candidates = append(slices.Clone(wellKnownFonts), candidates...)
	tried := map[string]bool{}
	for _, p := range candidates {
		if tried[p] {
			continue
		}
		tried[p] = true
		if f, err := loadFont(p); err == nil {
			return f, nil
		}
	}
	for _, dir := range fontDirs() {
		var found *Font
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || found != nil {
				return fs.SkipDir
			}
			ext := strings.ToLower(filepath.Ext(p))
			if d.IsDir() || tried[p] || (ext != ".ttf" && ext != ".ttc") {
				return nil
			}
			if f, err := loadFont(p); err == nil {
				found = f
				return fs.SkipAll
			}
			return nil
		})
		if found != nil {
			return found, nil
		}
	}
	return nil, ErrNoFont
}

// probe characters a certificate font must have.
var probe = []rune("职业技能等级证书张")

// loadFont reads a .ttf or .ttc file and returns the first face with
// TrueType outlines and the probe characters.
func loadFont(path string) (*Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	offsets := []uint32{0}
	if bytes.HasPrefix(data, []byte("ttcf")) {
		if len(data) < 12 {
			return nil, errors.New("truncated font collection")
		}
		n := binary.BigEndian.Uint32(data[8:])
		if n == 0 || n > 64 || len(data) < 12+4*int(n) {
			return nil, errors.New("damaged font collection")
		}
		offsets = offsets[:0]
		for i := range n {
			offsets = append(offsets, binary.BigEndian.Uint32(data[12+4*i:]))
		}
	}
	var last error = errors.New("no usable face")
	for face, off := range offsets {
		tables, err := tableDirectory(data, off)
		if err != nil {
			last = err
			continue
		}
		if _, ok := tables["glyf"]; !ok {
			last = errors.New("PostScript (CFF) outlines: only TrueType outlines can be embedded")
			continue
		}
		cmap, ok := tables["cmap"]
		if !ok {
			last = errors.New("no cmap table")
			continue
		}
		if !coversProbe(cmap) {
			last = errors.New("has no Chinese characters")
			continue
		}
		return &Font{Path: path, Face: face, Data: extractFace(data, off)}, nil
	}
	return nil, last
}

// tableDirectory maps table tags to their bytes for the font whose offset
// table starts at off.
func tableDirectory(data []byte, off uint32) (map[string][]byte, error) {
	if int(off)+12 > len(data) {
		return nil, errors.New("truncated font")
	}
	n := int(binary.BigEndian.Uint16(data[off+4:]))
	if int(off)+12+16*n > len(data) {
		return nil, errors.New("truncated font table directory")
	}
	tables := map[string][]byte{}
	for i := range n {
		rec := data[int(off)+12+16*i:]
		to, tl := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if uint64(to)+uint64(tl) > uint64(len(data)) {
			return nil, fmt.Errorf("table %q lies outside the file", rec[:4])
		}
		tables[string(rec[:4])] = data[to : to+tl]
	}
	return tables, nil
}

// coversProbe reports whether a cmap table's Unicode BMP subtable (format
// 4, the one PDF embedding reads) maps every probe character.
func coversProbe(cmap []byte) bool {
	if len(cmap) < 4 {
		return false
	}
	n := int(binary.BigEndian.Uint16(cmap[2:]))
	for i := range n {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			return false
		}
		platform, encoding := binary.BigEndian.Uint16(cmap[rec:]), binary.BigEndian.Uint16(cmap[rec+2:])
		off := int(binary.BigEndian.Uint32(cmap[rec+4:]))
		if !(platform == 3 && encoding == 1 || platform == 0) || off+14 > len(cmap) || binary.BigEndian.Uint16(cmap[off:]) != 4 {
			continue
		}
		ok := true
		for _, r := range probe {
			if format4Glyph(cmap[off:], r) == 0 {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// format4Glyph looks a character up in a cmap format 4 subtable; 0 is missing.
func format4Glyph(t []byte, r rune) uint16 {
	if r > 0xFFFF || len(t) < 14 {
		return 0
	}
	segX2 := int(binary.BigEndian.Uint16(t[6:]))
	ends, starts := 14, 14+segX2+2
	deltas, ranges := starts+segX2, starts+2*segX2
	if ranges+segX2 > len(t) {
		return 0
	}
	c := uint16(r)
	for i := 0; i < segX2; i += 2 {
		end := binary.BigEndian.Uint16(t[ends+i:])
		if c > end {
			continue
		}
		start := binary.BigEndian.Uint16(t[starts+i:])
		if c < start {
			return 0
		}
		delta := binary.BigEndian.Uint16(t[deltas+i:])
		ro := int(binary.BigEndian.Uint16(t[ranges+i:]))
		if ro == 0 {
			return c + delta
		}
		at := ranges + i + ro + 2*int(c-start)
		if at+2 > len(t) {
			return 0
		}
		g := binary.BigEndian.Uint16(t[at:])
		if g == 0 {
			return 0
		}
		return g + delta
	}
	return 0
}

// extractFace writes the font at off as a standalone TrueType file: the
// same tables, each copied once and 4-byte aligned, offsets rewritten.
func extractFace(data []byte, off uint32) []byte {
	if off == 0 && !bytes.HasPrefix(data, []byte("ttcf")) {
		return data
	}
	n := int(binary.BigEndian.Uint16(data[off+4:]))
	out := make([]byte, 12+16*n)
	copy(out, data[off:off+12])
	for i := range n {
		rec := data[int(off)+12+16*i:]
		to, tl := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		copy(out[12+16*i:], rec[:16])
		binary.BigEndian.PutUint32(out[12+16*i+8:], uint32(len(out)))
		out = append(out, data[to:to+tl]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}
