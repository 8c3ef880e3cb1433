// Cleans the orders in Go (standard library only, Go 1.19 as in the
// sandbox image), amounts in integer cents.
package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

type format struct {
	re      *regexp.Regexp
	y, m, d int
}

var formats = []format{
	{regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`), 1, 2, 3},
	{regexp.MustCompile(`^(\d{4})/(\d{1,2})/(\d{1,2})$`), 1, 2, 3},
	{regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})\.(\d{4})$`), 3, 2, 1},
	{regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`), 1, 2, 3},
	{regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})日$`), 1, 2, 3},
}

var priceRE = regexp.MustCompile(`^(\d+)(?:\.(\d{1,2}))?$`)

func date(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, f := range formats {
		m := f.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		y, _ := strconv.Atoi(m[f.y])
		mo, _ := strconv.Atoi(m[f.m])
		d, _ := strconv.Atoi(m[f.d])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
			return "", false
		}
		return t.Format("2006-01-02"), true
	}
	return "", false
}

func cents(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	m := priceRE.FindStringSubmatch(strings.ReplaceAll(s, ",", ""))
	if m == nil {
		return 0, false
	}
	whole, _ := strconv.ParseInt(m[1], 10, 64)
	frac, _ := strconv.ParseInt((m[2] + "00")[:2], 10, 64)
	c := whole*100 + frac
	return c, c > 0
}

func money(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

func readCSV(name string) [][]string {
	f, err := os.Open(name)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		panic(err)
	}
	return rows
}

func main() {
	city := map[string]string{}
	for _, r := range readCSV("city_aliases.csv")[1:] {
		city[r[0]] = r[1]
	}
	in := csv.NewReader(bufio.NewReader(os.Stdin))
	in.FieldsPerRecord = -1
	rows, err := in.ReadAll()
	if err != nil {
		panic(err)
	}
	type order struct {
		id  int
		row []string
	}
	seen := map[string]bool{}
	var out []order
	for _, r := range rows[1:] {
		id := strings.TrimSpace(r[0])
		if seen[id] {
			continue
		}
		seen[id] = true
		d, okDate := date(r[1])
		c, okCity := city[strings.ToLower(strings.TrimSpace(r[2]))]
		q, errQty := strconv.Atoi(strings.TrimSpace(r[3]))
		p, okPrice := cents(r[4])
		n, errID := strconv.Atoi(id)
		if !okDate || !okCity || errQty != nil || q <= 0 || !okPrice || errID != nil {
			continue
		}
		out = append(out, order{n, []string{id, d, c, strconv.Itoa(q), money(p), money(p * int64(q))}})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintln(w, "order_id,order_date,city,quantity,unit_price,amount")
	for _, o := range out {
		fmt.Fprintln(w, strings.Join(o.row, ","))
	}
}
