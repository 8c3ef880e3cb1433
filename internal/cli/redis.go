package cli

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// redisHelp is the --redis flag's help.
const redisHelp = "Redis: host:port, redis://[user:pass@]host:port[/db], rediss://... (TLS), " +
	"or redis-sentinel://[pass@]host:port[,host:port...]/MASTER[?db=N&sentinel_password=P]"

// newRedis returns a client for where, in one of the forms of redisHelp.
// A sentinel address gives go-redis's failover client, which follows the
// master the sentinels name.
func newRedis(where string) (*redis.Client, error) {
	switch {
	case strings.HasPrefix(where, "redis://"), strings.HasPrefix(where, "rediss://"):
		o, err := redis.ParseURL(where)
		if err != nil {
			return nil, fmt.Errorf("--redis %s: %w", redactURL(where), err)
		}
		return redis.NewClient(o), nil
	case strings.HasPrefix(where, "redis-sentinel://"):
		o, err := parseSentinel(where)
		if err != nil {
			return nil, fmt.Errorf("--redis %s: %w", redactURL(where), err)
		}
		return redis.NewFailoverClient(o), nil
	case strings.Contains(where, "://"):
		return nil, fmt.Errorf("--redis %s: unknown scheme (want redis://, rediss:// or redis-sentinel://)", redactURL(where))
	}
	if _, _, err := net.SplitHostPort(where); err != nil {
		return nil, fmt.Errorf("--redis %q: not host:port: %w", where, err)
	}
	return redis.NewClient(&redis.Options{Addr: where}), nil
}

func parseSentinel(where string) (*redis.FailoverOptions, error) {
	rest := strings.TrimPrefix(where, "redis-sentinel://")
	rest, query, _ := strings.Cut(rest, "?")
	o := &redis.FailoverOptions{}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		pass, err := url.PathUnescape(rest[:at])
		if err != nil {
			return nil, fmt.Errorf("password: %w", err)
		}
		o.Password, rest = pass, rest[at+1:]
	}
	hosts, master, ok := strings.Cut(rest, "/")
	if !ok || master == "" || strings.Contains(master, "/") {
		return nil, fmt.Errorf("want redis-sentinel://[pass@]host:port[,host:port...]/MASTER")
	}
	o.MasterName = master
	for _, h := range strings.Split(hosts, ",") {
		if _, _, err := net.SplitHostPort(h); err != nil {
			return nil, fmt.Errorf("sentinel %q: not host:port", h)
		}
		o.SentinelAddrs = append(o.SentinelAddrs, h)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, err
	}
	for k := range q {
		switch k {
		case "db":
			if o.DB, err = strconv.Atoi(q.Get(k)); err != nil || o.DB < 0 {
				return nil, fmt.Errorf("db=%q is not a database number", q.Get(k))
			}
		case "sentinel_password":
			o.SentinelPassword = q.Get(k)
		default:
			return nil, fmt.Errorf("unknown parameter %q (known: db, sentinel_password)", k)
		}
	}
	return o, nil
}

// redactURL hides the password of a Redis address, for messages.
func redactURL(where string) string {
	scheme, rest, ok := strings.Cut(where, "://")
	if !ok {
		return where
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		user, _, hasPass := strings.Cut(rest[:at], ":")
		if hasPass {
			return scheme + "://" + user + ":***@" + rest[at+1:]
		}
		if scheme == "redis-sentinel" {
			return scheme + "://***@" + rest[at+1:]
		}
	}
	return where
}
