/**
 * The HTTP request counter and latency histogram, kept as plain numbers per series and handed to
 * prom-client's registry only when it is scraped. prom-client's own `inc` / `observe` validate
 * and hash the label set on every call, which is a large share of what a cheap route costs;
 * here a request costs a map lookup and a few additions. Exposed with the same names, types
 * and labels as prom-client's Counter and Histogram (`_bucket` cumulative with `le`, `_sum`,
 * `_count`).
 */
import type { Registry } from "./prometheus.ts";

type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative); the last is +Inf. */
  buckets: Float64Array;
}

interface MetricValue {
  labels: Labels;
  value: number;
  metricName?: string;
}

/** What prom-client's Registry reads from a registered metric. */
interface RegistryMetric {
  name: string;
  help: string;
  type: "counter" | "histogram";
  aggregator: "sum";
  get(): Promise<
    { name: string; help: string; type: string; values: MetricValue[]; aggregator: "sum" }
  >;
  reset(): void;
}

export interface RequestSeriesOptions {
  registry: Registry;
  counterName: string;
  counterHelp: string;
  histogramName: string;
  histogramHelp: string;
  /** Upper bounds in seconds, ascending. */
  buckets: number[];
}

export class RequestSeries {
  #series = new Map<string, Series>();
  readonly #bounds: number[];

  constructor(options: RequestSeriesOptions) {
    this.#bounds = [...options.buckets].sort((a, b) => a - b);
    const metric = (
      name: string,
      help: string,
      type: RegistryMetric["type"],
      values: () => MetricValue[],
    ): RegistryMetric => {
      const view = { name, help, type, aggregator: "sum" as const };
      return {
        ...view,
        get: () => Promise.resolve({ ...view, values: values() }),
        reset: () => this.#series.clear(),
      };
    };
    const register = (m: RegistryMetric) =>
      (options.registry as unknown as { registerMetric(m: RegistryMetric): void }).registerMetric(
        m,
      );
    register(metric(options.counterName, options.counterHelp, "counter", () => this.#counts()));
    register(
      metric(
        options.histogramName,
        options.histogramHelp,
        "histogram",
        () => this.#histogram(options.histogramName),
      ),
    );
  }

  /** Counts one request of the series `key` (labels made once, on its first request). */
  observe(key: string, labels: () => Labels, seconds: number): void {
    let series = this.#series.get(key);
    if (!series) {
      series = {
        labels: labels(),
        count: 0,
        sum: 0,
        buckets: new Float64Array(this.#bounds.length + 1),
      };
      this.#series.set(key, series);
    }
    series.count++;
    series.sum += seconds;
    let i = 0;
    while (i < this.#bounds.length && seconds > this.#bounds[i]) i++;
    series.buckets[i]++;
  }

  #counts(): MetricValue[] {
    return [...this.#series.values()].map((s) => ({ labels: s.labels, value: s.count }));
  }

  #histogram(name: string): MetricValue[] {
    const values: MetricValue[] = [];
    for (const s of this.#series.values()) {
      let cumulative = 0;
      this.#bounds.forEach((le, i) => {
        cumulative += s.buckets[i];
        values.push({
          metricName: `${name}_bucket`,
          labels: { ...s.labels, le: String(le) },
          value: cumulative,
        });
      });
      values.push({
        metricName: `${name}_bucket`,
        labels: { ...s.labels, le: "+Inf" },
        value: s.count,
      });
      values.push({ metricName: `${name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${name}_count`, labels: s.labels, value: s.count });
    }
    return values;
  }
}
