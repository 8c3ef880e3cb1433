package telemetry

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"
)

// expected are the error replies SkillArena's code expects and handles, so
// they are no Redis errors, as redis.Nil is none: NOSCRIPT (go-redis then
// sends the script with EVAL), BUSYGROUP (the judges' consumer group exists
// already), NOGROUP and "no such key" (a stream or group not made yet:
// events.Log.Since, submission.Store.Queue read it as empty).
var expected = []string{"NOSCRIPT", "BUSYGROUP", "NOGROUP", "no such key"}

// handshake are the commands go-redis sends on a new connection and whose
// failure it tolerates (CLIENT SETINFO on Redis before 7.2, HELLO before 6).
var handshake = []string{"client", "hello"}

// RedisHook is a go-redis hook that counts failed commands in
// arena_redis_errors_total by command name: add it with rdb.AddHook. A
// missing key (redis.Nil), a canceled context and the replies in expected
// and the connection handshake are not counted; dial failures count as command "dial".
func (m *Metrics) RedisHook() redis.Hook { return redisHook{m} }

type redisHook struct{ m *Metrics }

func (h redisHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		h.count("dial", err)
		return conn, err
	}
}

func (h redisHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		h.count(cmd.Name(), err)
		return err
	}
}

func (h redisHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, cmd := range cmds {
			h.count(cmd.Name(), cmd.Err())
		}
		return err
	}
}

func (h redisHook) count(command string, err error) {
	if h.m == nil || err == nil || errors.Is(err, redis.Nil) || errors.Is(err, context.Canceled) ||
		slices.Contains(handshake, command) {
		return
	}
	var reply redis.Error
	if errors.As(err, &reply) && slices.ContainsFunc(expected, func(e string) bool { return strings.Contains(reply.Error(), e) }) {
		return
	}
	h.m.redisErrors.WithLabelValues(command).Inc()
}
