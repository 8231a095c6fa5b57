import { describe, expect, test } from "bun:test";
import { METRICS_SERIES_PER_METRIC_MAX } from "../../../src/lib/limits.ts";
import { formatSampleValue, MetricsRegistry, renderPrometheus } from "../../../src/obs/metrics.ts";

describe("renderPrometheus", () => {
  test("an empty registry renders nothing", () => {
    expect(renderPrometheus(new MetricsRegistry())).toBe("");
  });

  test("counters and gauges, with and without labels", () => {
    const r = new MetricsRegistry();
    const probes = r.counter({ name: "keel_probes_total", help: "Probes run", labelNames: ["result"] });
    const up = r.gauge({ name: "keel_up", help: "Whether the agent runs" });
    const lag = r.gauge({
      name: "keel_lag_seconds",
      help: "Replication lag",
      labelNames: ["host", "channel"],
    });
    probes.labels({ result: "ok" }).inc();
    probes.labels({ result: "ok" }).inc(2);
    probes.labels({ result: "timeout" }).inc();
    up.set(1);
    lag.labels({ host: "db2:3306", channel: "" }).set(0.25);
    lag.labels({ channel: "", host: "db3:3306" }).set(3);
    lag.labels({ channel: "", host: "db3:3306" }).inc(-1);
    expect(renderPrometheus(r)).toBe(
      [
        "# HELP keel_probes_total Probes run",
        "# TYPE keel_probes_total counter",
        'keel_probes_total{result="ok"} 3',
        'keel_probes_total{result="timeout"} 1',
        "# HELP keel_up Whether the agent runs",
        "# TYPE keel_up gauge",
        "keel_up 1",
        "# HELP keel_lag_seconds Replication lag",
        "# TYPE keel_lag_seconds gauge",
        'keel_lag_seconds{host="db2:3306",channel=""} 0.25',
        'keel_lag_seconds{host="db3:3306",channel=""} 2',
        "",
      ].join("\n"),
    );
  });

  test("an unlabelled counter shows 0 before its first increment; a labelled one shows no samples", () => {
    const r = new MetricsRegistry();
    r.counter({ name: "a_total", help: "A" });
    r.counter({ name: "b_total", help: "B", labelNames: ["x"] });
    expect(renderPrometheus(r)).toBe(
      "# HELP a_total A\n# TYPE a_total counter\na_total 0\n# HELP b_total B\n# TYPE b_total counter\n",
    );
  });

  test("histograms: cumulative _bucket with le, +Inf, _sum and _count", () => {
    const r = new MetricsRegistry();
    const h = r.histogram({
      name: "keel_probe_duration_seconds",
      help: "Probe duration",
      labelNames: ["host"],
      buckets: [0.005, 0.1, 1],
    });
    for (const v of [0.001, 0.005, 0.05, 0.5, 7]) h.labels({ host: "db1" }).observe(v);
    expect(renderPrometheus(r)).toBe(
      [
        "# HELP keel_probe_duration_seconds Probe duration",
        "# TYPE keel_probe_duration_seconds histogram",
        'keel_probe_duration_seconds_bucket{host="db1",le="0.005"} 2',
        'keel_probe_duration_seconds_bucket{host="db1",le="0.1"} 3',
        'keel_probe_duration_seconds_bucket{host="db1",le="1"} 4',
        'keel_probe_duration_seconds_bucket{host="db1",le="+Inf"} 5',
        'keel_probe_duration_seconds_sum{host="db1"} 7.556',
        'keel_probe_duration_seconds_count{host="db1"} 5',
        "",
      ].join("\n"),
    );
  });

  test("an unlabelled histogram starts at zero", () => {
    const r = new MetricsRegistry();
    r.histogram({ name: "h", help: "H", buckets: [1] });
    expect(renderPrometheus(r)).toBe(
      '# HELP h H\n# TYPE h histogram\nh_bucket{le="1"} 0\nh_bucket{le="+Inf"} 0\nh_sum 0\nh_count 0\n',
    );
  });

  test("label values and help text are escaped", () => {
    const r = new MetricsRegistry();
    r.gauge({ name: "g", help: 'back\\slash\nnewline "quotes" stay', labelNames: ["v"] })
      .labels({ v: 'a"b\\c\nd' })
      .set(1);
    expect(renderPrometheus(r)).toBe(
      '# HELP g back\\\\slash\\nnewline "quotes" stay\n# TYPE g gauge\ng{v="a\\"b\\\\c\\nd"} 1\n',
    );
  });

  test("special values", () => {
    expect(
      [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-7, -0.5, 1e21].map(
        formatSampleValue,
      ),
    ).toEqual(["NaN", "+Inf", "-Inf", "1e-7", "-0.5", "1e+21"]);
  });
});

describe("MetricsRegistry bounds and misuse", () => {
  test("label combinations stop at the limit; further ones are dropped and counted", () => {
    const r = new MetricsRegistry();
    const c = r.counter({ name: "peer_total", help: "P", labelNames: ["peer"] });
    for (let i = 0; i < METRICS_SERIES_PER_METRIC_MAX; i++) c.labels({ peer: `p${i}` }).inc();
    c.labels({ peer: "p0" }).inc(); // an existing combination still counts
    c.labels({ peer: "one-too-many" }).inc();
    c.labels({ peer: "two-too-many" }).inc(5);
    const text = renderPrometheus(r);
    expect(text.split("\n").filter((l) => l.startsWith("peer_total{"))).toHaveLength(
      METRICS_SERIES_PER_METRIC_MAX,
    );
    expect(text).toContain('peer_total{peer="p0"} 2\n');
    expect(text).not.toContain("too-many");
    expect(text).toContain(
      '# TYPE keel_metrics_series_dropped_total counter\nkeel_metrics_series_dropped_total{metric="peer_total"} 2\n',
    );
  });

  test("a smaller limit can be injected", () => {
    const r = new MetricsRegistry(1);
    const g = r.gauge({ name: "g", help: "G", labelNames: ["x"] });
    g.labels({ x: "a" }).set(1);
    g.labels({ x: "b" }).set(1);
    expect(renderPrometheus(r)).toContain('keel_metrics_series_dropped_total{metric="g"} 1');
  });

  test("wrong labels, bad names, duplicates, bad buckets and decreasing counters throw", () => {
    const r = new MetricsRegistry();
    const c = r.counter({ name: "c_total", help: "C", labelNames: ["a"] });
    expect(() => c.labels({ b: "x" }).inc()).toThrow(RangeError);
    expect(() => c.labels({ a: "x", b: "y" }).inc()).toThrow(RangeError);
    expect(() => c.labels({ a: "x" }).inc(-1)).toThrow(RangeError);
    expect(() => r.counter({ name: "c_total", help: "again" })).toThrow(RangeError);
    expect(() => r.counter({ name: "0bad", help: "" })).toThrow(RangeError);
    expect(() => r.counter({ name: "ok", help: "", labelNames: ["__reserved"] })).toThrow(RangeError);
    expect(() => r.histogram({ name: "h1", help: "", labelNames: ["le"], buckets: [1] })).toThrow(RangeError);
    expect(() => r.histogram({ name: "h2", help: "", buckets: [1, 1] })).toThrow(RangeError);
    expect(() => r.histogram({ name: "h3", help: "", buckets: [] })).toThrow(RangeError);
  });
});
