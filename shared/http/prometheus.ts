/**
 * prom-client's registry and metric classes without its index module: the index also loads the
 * default process metrics, which read `/proc` through `node:fs`, and edge bundles must carry no
 * filesystem code. Types come from the package's own declarations.
 */
import type * as PromClient from "prom-client";
import RegistryImpl from "prom-client/lib/registry.js";
import CounterImpl from "prom-client/lib/counter.js";
import GaugeImpl from "prom-client/lib/gauge.js";
import HistogramImpl from "prom-client/lib/histogram.js";

export const Registry = RegistryImpl as unknown as typeof PromClient.Registry;
export type Registry = PromClient.Registry;
export const Counter = CounterImpl as unknown as typeof PromClient.Counter;
export type Counter<T extends string = string> = PromClient.Counter<T>;
export const Gauge = GaugeImpl as unknown as typeof PromClient.Gauge;
export type Gauge<T extends string = string> = PromClient.Gauge<T>;
export const Histogram = HistogramImpl as unknown as typeof PromClient.Histogram;
export type Histogram<T extends string = string> = PromClient.Histogram<T>;
