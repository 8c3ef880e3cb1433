package rules

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/width"
	"gopkg.in/yaml.v3"
)

// Level is a vocational skill level: 1 (一级/高级技师, the highest) to 5
// (五级/初级工, the lowest); 0 is none. In contest.yaml and imports a level
// is written as 五级…一级, 初级工…高级技师, "三级/高级工" or a digit 5…1.
type Level int

// Levels.
const (
	NoLevel Level = 0
	Level1  Level = 1 // 一级/高级技师
	Level2  Level = 2 // 二级/技师
	Level3  Level = 3 // 三级/高级工
	Level4  Level = 4 // 四级/中级工
	Level5  Level = 5 // 五级/初级工

	// badLevel is what a level that could not be read decodes to; Validate
	// reports it with the field's name.
	badLevel Level = -1
)

var levelNames = [6]struct{ grade, title, en string }{
	{},
	{"一级", "高级技师", "Level 1 (Senior Technician)"},
	{"二级", "技师", "Level 2 (Technician)"},
	{"三级", "高级工", "Level 3 (Senior Worker)"},
	{"四级", "中级工", "Level 4 (Intermediate Worker)"},
	{"五级", "初级工", "Level 5 (Junior Worker)"},
}

// Valid reports whether l is one of the five levels.
func (l Level) Valid() bool { return l >= Level1 && l <= Level5 }

// String is the level as Chinese documents name it: "三级/高级工"; "" for none.
func (l Level) String() string {
	if !l.Valid() {
		return ""
	}
	return levelNames[l].grade + "/" + levelNames[l].title
}

// Grade is the level's grade alone: "三级".
func (l Level) Grade() string {
	if !l.Valid() {
		return ""
	}
	return levelNames[l].grade
}

// Title is the level's traditional title alone: "高级工".
func (l Level) Title() string {
	if !l.Valid() {
		return ""
	}
	return levelNames[l].title
}

// English is the level in English: "Level 3 (Senior Worker)".
func (l Level) English() string {
	if !l.Valid() {
		return ""
	}
	return levelNames[l].en
}

// In names the level in language lang (zh or en).
func (l Level) In(lang string) string {
	if lang == "en" {
		return l.English()
	}
	return l.String()
}

// Above returns the level one step up from l (三级 -> 二级); a level above
// 一级 does not exist and comes back as NoLevel.
func (l Level) Above() Level {
	if l <= Level1 {
		return NoLevel
	}
	return l - 1
}

// ParseLevel reads a level: "三级", "高级工", "三级/高级工", "三级（高级工）",
// "3", "level 3"; "", "无" and "none" are no level.
func ParseLevel(s string) (Level, error) {
	s = strings.TrimSpace(width.Narrow.String(s))
	switch strings.ToLower(s) {
	case "", "无", "none", "-", "0":
		return NoLevel, nil
	}
	t := strings.ToLower(strings.TrimPrefix(strings.ToLower(s), "level"))
	t = strings.TrimSpace(t)
	if n, err := strconv.Atoi(t); err == nil && n >= 1 && n <= 5 {
		return Level(n), nil
	}
	// "三级/高级工", "三级(高级工)", "三级 高级工": every part must name the same level.
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == '/' || r == '(' || r == ')' || r == ' ' || r == '、' || r == '|'
	})
	found := NoLevel
	for _, p := range parts {
		var l Level
		for i := Level1; i <= Level5; i++ {
			if p == levelNames[i].grade || p == levelNames[i].title || p == "职业技能"+levelNames[i].grade {
				l = i
			}
		}
		if l == NoLevel || found != NoLevel && found != l {
			return badLevel, says("rules.level", strconv.Quote(s))
		}
		found = l
	}
	if found == NoLevel {
		return badLevel, says("rules.level", strconv.Quote(s))
	}
	return found, nil
}

// UnmarshalYAML reads a level as ParseLevel does. A value that is not a
// level is kept as invalid, and Validate names the field.
func (l *Level) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseLevel(n.Value)
	if err != nil {
		v = badLevel
	}
	*l = v
	return nil
}

// UnmarshalJSON reads a level given as a number or as text.
func (l *Level) UnmarshalJSON(b []byte) error {
	var n int
	if err := json.Unmarshal(b, &n); err == nil {
		*l = Level(n)
		if *l != NoLevel && !l.Valid() {
			*l = badLevel
		}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("level: give a number 1…5 or a name such as 三级")
	}
	v, err := ParseLevel(s)
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Category says whether a contestant is a worker (职工) or a student (学生):
// promotion rules often treat them differently.
type Category string

// Categories.
const (
	Worker  Category = "worker"
	Student Category = "student"
)

// ParseCategory reads a category: worker/职工/在职职工/企业职工/社会人员, student/学生/在校生/院校学生.
func ParseCategory(s string) (Category, error) {
	switch strings.ToLower(strings.TrimSpace(width.Narrow.String(s))) {
	case "":
		return "", nil
	case "worker", "employee", "职工", "在职职工", "企业职工", "在职", "职工组", "社会人员", "员工":
		return Worker, nil
	case "student", "学生", "在校生", "院校学生", "学生组", "在校学生":
		return Student, nil
	}
	return "", fmt.Errorf("%q: use worker (职工) or student (学生)", s)
}

// In names the category in language lang.
func (c Category) In(lang string) string {
	switch {
	case c == Worker && lang == "en":
		return "worker"
	case c == Worker:
		return "职工"
	case c == Student && lang == "en":
		return "student"
	case c == Student:
		return "学生"
	}
	return ""
}

// Genders, as stored.
const (
	Male   = "male"
	Female = "female"
)

// ParseGender reads 男/女, M/F, male/female.
func ParseGender(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(width.Narrow.String(s))) {
	case "":
		return "", nil
	case "男", "m", "male", "男性":
		return Male, nil
	case "女", "f", "female", "女性":
		return Female, nil
	}
	return "", fmt.Errorf("%q: use 男 or 女 (M or F)", s)
}

// GenderIn names a stored gender in language lang.
func GenderIn(g, lang string) string {
	switch {
	case g == Male && lang == "en":
		return "male"
	case g == Male:
		return "男"
	case g == Female && lang == "en":
		return "female"
	case g == Female:
		return "女"
	}
	return ""
}

// Kinds of identity document, as stored. Resident is the default.
const (
	IDResident  = "resident"  // 居民身份证
	IDResidence = "residence" // 港澳台居民居住证 (18 characters, checked like a resident ID)
	IDHKMacao   = "hk-macao"  // 港澳居民来往内地通行证
	IDTaiwan    = "taiwan"    // 台湾居民来往大陆通行证
	IDPassport  = "passport"  // 护照
	IDForeign   = "foreign"   // 外国人永久居留身份证
)

var idTypeNames = map[string][2]string{
	IDResident:  {"居民身份证", "resident ID card"},
	IDResidence: {"港澳台居民居住证", "HK/Macao/Taiwan residence permit"},
	IDHKMacao:   {"港澳居民来往内地通行证", "HK/Macao travel permit"},
	IDTaiwan:    {"台湾居民来往大陆通行证", "Taiwan travel permit"},
	IDPassport:  {"护照", "passport"},
	IDForeign:   {"外国人永久居留身份证", "foreign permanent resident ID"},
}

// ParseIDType reads a kind of identity document, by code or Chinese name;
// "" is a resident ID card.
func ParseIDType(s string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(width.Narrow.String(s)))
	switch t {
	case "", "身份证", "居民身份证", "resident", "id", "id card", "二代身份证":
		return IDResident, nil
	case "居住证", "港澳台居民居住证":
		return IDResidence, nil
	case "港澳通行证", "回乡证", "港澳居民来往内地通行证":
		return IDHKMacao, nil
	case "台胞证", "台湾居民来往大陆通行证":
		return IDTaiwan, nil
	case "护照":
		return IDPassport, nil
	case "外国人永久居留身份证", "永久居留证":
		return IDForeign, nil
	}
	if _, ok := idTypeNames[t]; ok {
		return t, nil
	}
	return "", fmt.Errorf("%q: use 居民身份证, 港澳台居民居住证, 港澳居民来往内地通行证, 台湾居民来往大陆通行证, 护照 or 外国人永久居留身份证", s)
}

// ChecksLikeResidentID reports whether numbers of this kind follow GB 11643
// (18 characters with a check digit).
func ChecksLikeResidentID(idType string) bool {
	return idType == "" || idType == IDResident || idType == IDResidence
}

// IDTypeIn names a stored kind of identity document in language lang.
func IDTypeIn(t, lang string) string {
	if t == "" {
		t = IDResident
	}
	n, ok := idTypeNames[t]
	if !ok {
		return t
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// Tier is how high a competition ranks; it decides what its certificates
// are worth.
type Tier string

var tiers = []struct {
	code    Tier
	zh, en  string
	aliases []string
}{
	{"national-1", "国家级一类竞赛", "national, class I", []string{"国家级一类", "国家级一类竞赛"}},
	{"national-2", "国家级二类竞赛", "national, class II", []string{"国家级二类", "国家级二类竞赛"}},
	{"provincial-1", "省级一类竞赛", "provincial, class I", []string{"省级一类", "省级一类竞赛"}},
	{"provincial-2", "省级二类竞赛", "provincial, class II", []string{"省级二类", "省级二类竞赛"}},
	{"city", "市级竞赛", "city", []string{"市级", "市级竞赛", "地市级"}},
	{"industry", "行业企业竞赛", "industry or enterprise", []string{"行业", "企业", "行业企业竞赛", "企业竞赛", "行业竞赛"}},
}

// ParseTier reads a tier by code (national-1, national-2, provincial-1,
// provincial-2, city, industry) or Chinese name (国家级一类竞赛, 市级 ...).
func ParseTier(s string) (Tier, error) {
	t := strings.TrimSpace(s)
	for _, x := range tiers {
		if string(x.code) == strings.ToLower(t) {
			return x.code, nil
		}
		for _, a := range x.aliases {
			if a == t {
				return x.code, nil
			}
		}
	}
	codes := make([]string, len(tiers))
	for i, x := range tiers {
		codes[i] = string(x.code)
	}
	return "", says("rules.tier", strconv.Quote(s), strings.Join(codes, ", "))
}

// In names the tier in language lang.
func (t Tier) In(lang string) string {
	for _, x := range tiers {
		if x.code == t {
			if lang == "en" {
				return x.en
			}
			return x.zh
		}
	}
	return string(t)
}
