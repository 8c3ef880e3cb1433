package cli

import (
	"strings"
	"testing"
)

func TestNewRedis(t *testing.T) {
	tests := []struct {
		where    string
		wantErr  string
		addr     string // of a plain client
		sentinel bool
	}{
		{where: "127.0.0.1:6379", addr: "127.0.0.1:6379"},
		{where: "redis://u:secret@10.0.0.5:6380/2", addr: "10.0.0.5:6380"},
		{where: "rediss://redis.example:6380", addr: "redis.example:6380"},
		{where: "redis-sentinel://secret@10.0.0.1:26379,10.0.0.2:26379/arena?db=1", sentinel: true},
		{where: "localhost", wantErr: "not host:port"},
		{where: "http://x:1", wantErr: "unknown scheme"},
		{where: "redis://u:secret@h:1/notadb", wantErr: "***"},
		{where: "redis-sentinel://secret@10.0.0.1:26379", wantErr: "MASTER"},
		{where: "redis-sentinel://secret@10.0.0.1/arena", wantErr: "not host:port"},
		{where: "redis-sentinel://h:1/m?colour=red", wantErr: "unknown parameter"},
		{where: "redis-sentinel://h:1/m?db=-1", wantErr: "database number"},
	}
	for _, tt := range tests {
		t.Run(tt.where, func(t *testing.T) {
			c, err := newRedis(tt.where)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Fatalf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if tt.sentinel {
				if got := c.Options().Addr; got != "FailoverClient" {
					t.Fatalf("sentinel address gave a plain client for %q", got)
				}
				return
			}
			if got := c.Options().Addr; got != tt.addr {
				t.Fatalf("addr = %q, want %q", got, tt.addr)
			}
		})
	}
}

func TestParseSentinel(t *testing.T) {
	o, err := parseSentinel("redis-sentinel://p%40ss@a:1,b:2/mymaster?db=3&sentinel_password=sp")
	if err != nil {
		t.Fatal(err)
	}
	if o.Password != "p@ss" || o.MasterName != "mymaster" || o.DB != 3 || o.SentinelPassword != "sp" ||
		strings.Join(o.SentinelAddrs, ",") != "a:1,b:2" {
		t.Fatalf("parsed %+v", o)
	}
}
