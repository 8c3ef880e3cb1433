package cli

import (
	"flag"
	"slices"
	"testing"
)

func TestParseEnvTwins(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    string
		wantErr bool
	}{
		{"default", nil, nil, "127.0.0.1:6379", false},
		{"env", map[string]string{"ARENA_REDIS": "redis:1"}, nil, "redis:1", false},
		{"flag beats env", map[string]string{"ARENA_REDIS": "redis:1"}, []string{"--redis", "redis:2"}, "redis:2", false},
		{"bad env value", map[string]string{"ARENA_SLOTS": "many"}, nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("x", flag.ContinueOnError)
			var sf storeFlags
			var jf judgeFlags
			sf.register(fs)
			jf.register(fs)
			_, err := parse(fs, tt.args, func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && sf.redisAddr != tt.want {
				t.Fatalf("redis = %q, want %q", sf.redisAddr, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		args       []string
		positional []string
		slots      int
	}{
		{[]string{"a", "b"}, []string{"a", "b"}, 2},
		{[]string{"--slots", "3", "a", "b"}, []string{"a", "b"}, 3},
		{[]string{"a", "b", "--slots", "4"}, []string{"a", "b"}, 4},
		{[]string{"a", "--slots=5", "b"}, []string{"a", "b"}, 5},
		{[]string{"a", "--", "--slots", "6"}, []string{"a", "--slots", "6"}, 2},
	} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		var jf judgeFlags
		jf.register(fs)
		got, err := parse(fs, tt.args, func(string) string { return "" })
		if err != nil || !slices.Equal(got, tt.positional) || jf.slots != tt.slots {
			t.Errorf("parse(%q) = %q, slots %d, %v; want %q, slots %d", tt.args, got, jf.slots, err, tt.positional, tt.slots)
		}
	}
	if envName("max-submission-bytes") != "ARENA_MAX_SUBMISSION_BYTES" {
		t.Fatal(envName("max-submission-bytes"))
	}
}

func TestSocketTotalFor(t *testing.T) {
	for _, tt := range []struct {
		want  int
		files uint64
		total int
	}{
		{20000, 1 << 20, 20000},
		{20000, 21000, 20000},
		{20000, 20000, 19000},
		{20000, 1024, 512},
	} {
		if got := socketTotalFor(tt.want, tt.files); got != tt.total {
			t.Errorf("socketTotalFor(%d, %d) = %d, want %d", tt.want, tt.files, got, tt.total)
		}
	}
}
