package telemetry

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// QueueStats is the judging queue and its judges at one moment.
type QueueStats struct {
	// Jobs is every job in the queue: waiting or being graded.
	Jobs int64
	// Grading is how many of them a judge holds under a lease.
	Grading int64
	// OldestAge is how long the oldest job has been in the queue (0: none).
	OldestAge time.Duration
	// JudgesOnline are the judge workers seen recently; JudgesBusy those of
	// them grading.
	JudgesOnline, JudgesBusy int
}

// QueueSource reads the queue's stats (server/submission.Store).
type QueueSource interface {
	QueueStats(ctx context.Context) (QueueStats, error)
}

// queueTimeout bounds one read of the queue, well under a scrape's timeout.
const queueTimeout = 3 * time.Second

// queueMetrics are the queue collector's gauges, in the order of Collect's values.
var queueMetrics = [...]struct{ name, help string }{
	{"arena_queue_jobs", "Jobs in the judging queue, waiting or being graded."},
	{"arena_queue_jobs_grading", "Jobs of the queue a judge worker holds under a lease."},
	{"arena_queue_oldest_job_age_seconds", "Age of the oldest job in the judging queue (0: empty)."},
	{"arena_judges_online", "Judge workers seen on the queue in the last 30 s, or holding jobs."},
	{"arena_judges_busy", "Judge workers holding at least one job."},
}

// queueNames are the names of the queue collector's metrics.
func queueNames() []string {
	out := make([]string, len(queueMetrics))
	for i, q := range queueMetrics {
		out[i] = q.name
	}
	return out
}

// queueCollector reads the queue from Redis at each scrape, so every
// server replica reports the same shared queue with nothing to keep.
type queueCollector struct {
	src   QueueSource
	descs []*prometheus.Desc
}

// WatchQueue adds the judging queue's gauges, read from src at each scrape.
// Register it in one kind of process (serve), or each replica's series
// repeat the same numbers (dashboards take max).
func (m *Metrics) WatchQueue(src QueueSource) error {
	c := &queueCollector{src: src}
	for _, q := range queueMetrics {
		c.descs = append(c.descs, prometheus.NewDesc(q.name, q.help, nil, nil))
	}
	if err := m.reg.Register(c); err != nil {
		return fmt.Errorf("register the queue's metrics: %w", err)
	}
	return nil
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queueTimeout)
	defer cancel()
	st, err := c.src.QueueStats(ctx)
	if err != nil {
		// Left out of this scrape; the handler logs it, arena_redis_errors_total counts it.
		ch <- prometheus.NewInvalidMetric(c.descs[0], err)
		return
	}
	for i, v := range []float64{float64(st.Jobs), float64(st.Grading), st.OldestAge.Seconds(),
		float64(st.JudgesOnline), float64(st.JudgesBusy)} {
		ch <- prometheus.MustNewConstMetric(c.descs[i], prometheus.GaugeValue, v)
	}
}
