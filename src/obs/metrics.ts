// A tiny metrics registry (counters, gauges, fixed-bucket histograms, with labels) and its
// Prometheus text exposition (format 0.0.4). Label combinations per metric are bounded: a label
// fed from untrusted data (a peer address, an error text) cannot grow memory without limit;
// observations beyond the bound are dropped and counted in keel_metrics_series_dropped_total.
// Pure: no clock, no I/O.
import { METRICS_SERIES_PER_METRIC_MAX } from "../lib/limits.ts";

export type Labels = Readonly<Record<string, string>>;

export interface MetricDef {
  name: string;
  help: string;
  labelNames?: readonly string[];
}

export interface HistogramDef extends MetricDef {
  /** Upper bounds, strictly increasing and finite; +Inf is added. */
  buckets: readonly number[];
}

export interface Counter {
  inc(by?: number): void;
  labels(labels: Labels): { inc(by?: number): void };
}
export interface Gauge {
  set(value: number): void;
  inc(by?: number): void;
  labels(labels: Labels): { set(value: number): void; inc(by?: number): void };
}
export interface Histogram {
  observe(value: number): void;
  labels(labels: Labels): { observe(value: number): void };
}

type Kind = "counter" | "gauge" | "histogram";

interface Series {
  labelValues: readonly string[];
  value: number;
  /** Histogram only: per-bucket (non-cumulative) counts, then sum and count. */
  bucketCounts: number[];
  sum: number;
  count: number;
}

interface Family {
  kind: Kind;
  name: string;
  help: string;
  labelNames: readonly string[];
  buckets: readonly number[];
  series: Map<string, Series>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const DROPPED_NAME = "keel_metrics_series_dropped_total";

export class MetricsRegistry {
  readonly #families = new Map<string, Family>();
  readonly #dropped = new Map<string, number>();

  constructor(private readonly seriesMax = METRICS_SERIES_PER_METRIC_MAX) {}

  counter(def: MetricDef): Counter {
    const f = this.#register("counter", def, []);
    const add = (s: Series, by: number) => {
      if (!(by >= 0)) throw new RangeError(`counter ${def.name} can only go up (got ${by})`);
      s.value += by;
    };
    const child = (labels: Labels) => ({ inc: (by = 1) => this.#with(f, labels, (s) => add(s, by)) });
    return { inc: (by = 1) => child({}).inc(by), labels: child };
  }

  gauge(def: MetricDef): Gauge {
    const f = this.#register("gauge", def, []);
    const child = (labels: Labels) => ({
      set: (v: number) => this.#with(f, labels, (s) => (s.value = v)),
      inc: (by = 1) => this.#with(f, labels, (s) => (s.value += by)),
    });
    return { set: (v) => child({}).set(v), inc: (by = 1) => child({}).inc(by), labels: child };
  }

  histogram(def: HistogramDef): Histogram {
    const ok = def.buckets.every(
      (b, i) => Number.isFinite(b) && (i === 0 || b > (def.buckets[i - 1] as number)),
    );
    if (!ok || def.buckets.length === 0) throw new RangeError(`histogram ${def.name}: buckets must increase`);
    const f = this.#register("histogram", def, def.buckets);
    const observe = (s: Series, v: number) => {
      const i = f.buckets.findIndex((b) => v <= b);
      if (i >= 0) s.bucketCounts[i] = (s.bucketCounts[i] as number) + 1;
      s.sum += v;
      s.count++;
    };
    const child = (labels: Labels) => ({
      observe: (v: number) => this.#with(f, labels, (s) => observe(s, v)),
    });
    return { observe: (v) => child({}).observe(v), labels: child };
  }

  /** Families in registration order, then the dropped-series counter if anything was dropped. */
  families(): readonly Readonly<Family>[] {
    const all = [...this.#families.values()];
    if (this.#dropped.size === 0) return all;
    const series = new Map<string, Series>();
    for (const [metric, n] of this.#dropped)
      series.set(metric, { labelValues: [metric], value: n, bucketCounts: [], sum: 0, count: 0 });
    const help = "Observations dropped because a metric reached its label-combination limit";
    return [
      ...all,
      { kind: "counter", name: DROPPED_NAME, help, labelNames: ["metric"], buckets: [], series },
    ];
  }

  #register(kind: Kind, def: MetricDef, buckets: readonly number[]): Family {
    const labelNames = def.labelNames ?? [];
    if (!METRIC_NAME.test(def.name) || def.name === DROPPED_NAME)
      throw new RangeError(`bad metric name ${def.name}`);
    if (this.#families.has(def.name)) throw new RangeError(`metric ${def.name} registered twice`);
    for (const l of labelNames)
      if (!LABEL_NAME.test(l) || l.startsWith("__") || (kind === "histogram" && l === "le"))
        throw new RangeError(`metric ${def.name}: bad label name ${l}`);
    const f: Family = { kind, name: def.name, help: def.help, labelNames, buckets, series: new Map() };
    this.#families.set(def.name, f);
    if (labelNames.length === 0) this.#series(f, []); // an unlabelled metric shows 0 from the start
    return f;
  }

  #series(f: Family, labelValues: readonly string[]): Series | null {
    const key = labelValues.join("\u0000");
    const existing = f.series.get(key);
    if (existing !== undefined) return existing;
    if (f.series.size >= this.seriesMax) return null;
    const s: Series = { labelValues, value: 0, bucketCounts: f.buckets.map(() => 0), sum: 0, count: 0 };
    f.series.set(key, s);
    return s;
  }

  #with(f: Family, labels: Labels, apply: (s: Series) => void): void {
    const names = Object.keys(labels);
    if (names.length !== f.labelNames.length || !f.labelNames.every((n) => Object.hasOwn(labels, n)))
      throw new RangeError(
        `metric ${f.name} takes labels [${f.labelNames.join(", ")}], got [${names.join(", ")}]`,
      );
    const s = this.#series(
      f,
      f.labelNames.map((n) => labels[n] as string),
    );
    if (s === null) this.#dropped.set(f.name, (this.#dropped.get(f.name) ?? 0) + 1);
    else apply(s);
  }
}

/** A sample value as Prometheus writes it. */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

function escapeHelp(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function escapeLabelValue(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labelText(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return "";
  return `{${names.map((n, i) => `${n}="${escapeLabelValue(values[i] as string)}"`).join(",")}}`;
}

function renderHistogram(f: Readonly<Family>, s: Series, lines: string[]): void {
  const names = [...f.labelNames, "le"];
  let cumulative = 0;
  f.buckets.forEach((bound, i) => {
    cumulative += s.bucketCounts[i] as number;
    lines.push(
      `${f.name}_bucket${labelText(names, [...s.labelValues, formatSampleValue(bound)])} ${cumulative}`,
    );
  });
  lines.push(`${f.name}_bucket${labelText(names, [...s.labelValues, "+Inf"])} ${s.count}`);
  lines.push(`${f.name}_sum${labelText(f.labelNames, s.labelValues)} ${formatSampleValue(s.sum)}`);
  lines.push(`${f.name}_count${labelText(f.labelNames, s.labelValues)} ${s.count}`);
}

/** The registry in Prometheus text exposition format 0.0.4 (ends with a newline). */
export function renderPrometheus(registry: MetricsRegistry): string {
  const lines: string[] = [];
  for (const f of registry.families()) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.kind}`);
    for (const s of f.series.values()) {
      if (f.kind === "histogram") renderHistogram(f, s, lines);
      else lines.push(`${f.name}${labelText(f.labelNames, s.labelValues)} ${formatSampleValue(s.value)}`);
    }
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
