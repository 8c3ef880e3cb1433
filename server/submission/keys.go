package submission

import "strconv"

// The keys of the package, listed in the package comment; a contest's keys
// share its hash tag.

func indexKey(cid string) string        { return "arena:{" + cid + "}:subs" }
func seqKey(cid string) string          { return "arena:{" + cid + "}:seq" }
func subKey(cid string, n int64) string { return "arena:{" + cid + "}:sub:" + strconv.FormatInt(n, 10) }

// gapKey marks a contestant's last submission for the minimum interval.
func gapKey(cid, user string) string { return "arena:{" + cid + "}:gap:" + user }

func rejudgeKey(cid, rid string) string { return "arena:{" + cid + "}:rejudge:" + rid }
func rejudgesKey(cid string) string     { return "arena:{" + cid + "}:rejudges" }

// JobsKey is the judging queue, shared by every contest.
const JobsKey = "arena:jobs"

// judgesKey maps each judge worker to when it last asked for a job (Unix
// ms): the consumer group's idle time resets only when a job is delivered
// (Redis 7.0), so a waiting judge would look gone.
const judgesKey = "arena:judges"

// Group is the consumer group of judge workers.
const Group = "judges"
