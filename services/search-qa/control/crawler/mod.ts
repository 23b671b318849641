/**
 * Web crawler data sources (Kendra's WEBCRAWLER): records, sync jobs, the crawler and the
 * scheduler of periodic syncs.
 * @module
 */
export { createDataSourceControl, type DataSourceControlOptions } from "./data_source_control.ts";
export { dueDataSources, startSyncScheduler, type SyncSchedulerOptions } from "./scheduler.ts";
export { crawl, type CrawlDeps, type CrawledPage, type CrawlHooks } from "./crawl.ts";
