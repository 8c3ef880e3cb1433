// Command arena is SkillArena: a judging platform for digital-technology
// skills competitions. See README.md and `arena --help`.
package main

import (
	"os"

	"github.com/skillarena/arena/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
