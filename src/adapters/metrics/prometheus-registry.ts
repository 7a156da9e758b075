/**
 * A tiny Prometheus registry: labelled counters and histograms, rendered in the text exposition
 * format (version 0.0.4). Enough for one process's /metrics; no dependency.
 *
 * Label names are fixed when a metric is declared and every update must give exactly those, so
 * a caller cannot add a label (or an unbounded value such as a customer id) by accident.
 */

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type LabelValues<L extends string> = Readonly<Record<L, string>>;

interface MetricOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}

export interface HistogramOptions<L extends string> extends MetricOptions<L> {
  /** Upper bounds, ascending; +Inf is added. */
  buckets: readonly number[];
}

interface Family {
  render(): string[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class PrometheusRegistry {
  readonly #families = new Map<string, Family>();

  counter<L extends string>(options: MetricOptions<L>): Counter<L> {
    return this.#register(options.name, new Counter(options));
  }

  histogram<L extends string>(options: HistogramOptions<L>): Histogram<L> {
    return this.#register(options.name, new Histogram(options));
  }

  gauge<L extends string>(options: MetricOptions<L>): Gauge<L> {
    return this.#register(options.name, new Gauge(options));
  }

  /** Every family, HELP and TYPE first, series in a stable order. */
  render(): string {
    const lines = [...this.#families.values()].flatMap((family) => family.render());
    return `${lines.join("\n")}\n`;
  }

  #register<F extends Family>(name: string, family: F): F {
    if (this.#families.has(name)) throw new Error(`metric ${name} is already registered`);
    this.#families.set(name, family);
    return family;
  }
}

/** The label set of one series, validated against the declared names, as a stable key. */
class Labelled<L extends string> {
  readonly name: string;
  readonly #help: string;
  readonly #labelNames: readonly L[];

  constructor(options: MetricOptions<L>) {
    if (!METRIC_NAME.test(options.name)) throw new Error(`invalid metric name ${options.name}`);
    for (const label of options.labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith("__") || label === "le") {
        throw new Error(`invalid label name ${label} for ${options.name}`);
      }
    }
    this.name = options.name;
    this.#help = options.help;
    this.#labelNames = options.labelNames;
  }

  protected key(labels: LabelValues<L>): string {
    const given = Object.keys(labels);
    const complete =
      given.length === this.#labelNames.length &&
      this.#labelNames.every((name) => typeof labels[name] === "string");
    if (!complete) {
      throw new Error(
        `${this.name} takes labels [${this.#labelNames.join(", ")}], got [${given.join(", ")}]`,
      );
    }
    return this.#labelNames.map((name) => `${name}="${escapeLabelValue(labels[name])}"`).join(",");
  }

  protected header(type: "counter" | "histogram" | "gauge"): string[] {
    return [`# HELP ${this.name} ${escapeHelp(this.#help)}`, `# TYPE ${this.name} ${type}`];
  }
}

export class Counter<L extends string> extends Labelled<L> {
  readonly #series = new Map<string, number>();

  /** Add `by` (default 1); `inc(labels, 0)` makes a series appear at zero. */
  inc(labels: LabelValues<L>, by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.name} is a counter: it cannot go down (${by})`);
    const key = this.key(labels);
    this.#series.set(key, (this.#series.get(key) ?? 0) + by);
  }

  value(labels: LabelValues<L>): number {
    return this.#series.get(this.key(labels)) ?? 0;
  }

  render(): string[] {
    const samples = [...this.#series.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${this.name}${braces(key)} ${formatNumber(value)}`);
    return [...this.header("counter"), ...samples];
  }
}

/** A value that goes up and down (queue depth, age), set from the latest reading. */
export class Gauge<L extends string> extends Labelled<L> {
  readonly #series = new Map<string, number>();

  set(labels: LabelValues<L>, value: number): void {
    this.#series.set(this.key(labels), value);
  }

  render(): string[] {
    const samples = [...this.#series.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${this.name}${braces(key)} ${formatNumber(value)}`);
    return [...this.header("gauge"), ...samples];
  }
}

interface HistogramSeries {
  /** Per bucket, not cumulative; the last slot is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram<L extends string> extends Labelled<L> {
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, HistogramSeries>();

  constructor(options: HistogramOptions<L>) {
    super(options);
    const ascending = options.buckets.every((bound, i) => i === 0 || bound > (options.buckets[i - 1] ?? 0));
    if (options.buckets.length === 0 || !ascending || !options.buckets.every(Number.isFinite)) {
      throw new Error(`${options.name}: buckets must be finite and strictly ascending`);
    }
    this.#bounds = options.buckets;
  }

  observe(labels: LabelValues<L>, value: number): void {
    const key = this.key(labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { counts: new Array<number>(this.#bounds.length + 1).fill(0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    const index = this.#bounds.findIndex((bound) => value <= bound);
    const slot = index === -1 ? this.#bounds.length : index;
    series.counts[slot] = (series.counts[slot] ?? 0) + 1;
    series.sum += value;
    series.count += 1;
  }

  render(): string[] {
    const lines = this.header("histogram");
    const entries = [...this.#series.entries()].sort(([a], [b]) => a.localeCompare(b));
    for (const [key, series] of entries) {
      let cumulative = 0;
      const bounds = [...this.#bounds.map(formatNumber), "+Inf"];
      bounds.forEach((bound, i) => {
        cumulative += series.counts[i] ?? 0;
        const labels = key === "" ? `le="${bound}"` : `${key},le="${bound}"`;
        lines.push(`${this.name}_bucket{${labels}} ${cumulative}`);
      });
      lines.push(`${this.name}_sum${braces(key)} ${formatNumber(series.sum)}`);
      lines.push(`${this.name}_count${braces(key)} ${series.count}`);
    }
    return lines;
  }
}

/** The exposition format's escapes for label values: backslash, double quote, line feed. */
export function escapeLabelValue(value: string): string {
  // Labels are tool names, outcomes, routes: almost never anything to escape.
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

const NEEDS_ESCAPE = /[\\"\n]/;

/** HELP text escapes only backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

function braces(key: string): string {
  return key === "" ? "" : `{${key}}`;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}
