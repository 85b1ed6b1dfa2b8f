/**
 * Which charts the Monitoring tabs draw: CloudWatch's metric names (the chart titles), the
 * Prometheus family Sluice exposes for each (src/server/metrics.ts: a CloudWatch name's dots
 * become underscores, prefixed by the service) and the statistic the AWS console shows for it.
 */
import type { Statistic } from './metric-series.js';

export type MetricUnit = 'Count' | 'Bytes' | 'Milliseconds';

export interface ChartSpec {
  /** CloudWatch's metric name. */
  readonly title: string;
  readonly metric: string;
  readonly stat: Statistic;
  readonly unit: MetricUnit;
}

const kinesis = (title: string, stat: Statistic, unit: MetricUnit): ChartSpec => ({ title, metric: `kinesis_${title.replaceAll('.', '_')}`, stat, unit });
const gateway = (title: string, stat: Statistic, unit: MetricUnit): ChartSpec => ({ title, metric: `apigateway_${title}`, stat, unit });

/** Stream-level metrics (dimension StreamName), in the order of the Kinesis console's stream metrics. */
export const STREAM_CHARTS: readonly ChartSpec[] = [
  kinesis('IncomingRecords', 'Sum', 'Count'),
  kinesis('IncomingBytes', 'Sum', 'Bytes'),
  kinesis('PutRecord.Success', 'Sum', 'Count'),
  kinesis('PutRecord.Bytes', 'Sum', 'Bytes'),
  kinesis('PutRecord.Latency', 'Average', 'Milliseconds'),
  kinesis('PutRecords.Success', 'Sum', 'Count'),
  kinesis('PutRecords.TotalRecords', 'Sum', 'Count'),
  kinesis('PutRecords.SuccessfulRecords', 'Sum', 'Count'),
  kinesis('PutRecords.FailedRecords', 'Sum', 'Count'),
  kinesis('PutRecords.ThrottledRecords', 'Sum', 'Count'),
  kinesis('PutRecords.Bytes', 'Sum', 'Bytes'),
  kinesis('PutRecords.Latency', 'Average', 'Milliseconds'),
  kinesis('WriteProvisionedThroughputExceeded', 'Sum', 'Count'),
  kinesis('GetRecords.Records', 'Sum', 'Count'),
  kinesis('GetRecords.Bytes', 'Sum', 'Bytes'),
  kinesis('GetRecords.Success', 'Sum', 'Count'),
  kinesis('GetRecords.Latency', 'Average', 'Milliseconds'),
  kinesis('GetRecords.IteratorAgeMilliseconds', 'Maximum', 'Milliseconds'),
  kinesis('ReadProvisionedThroughputExceeded', 'Sum', 'Count'),
  // Added up over the stream's consumers (CloudWatch's StreamName dimension alone).
  kinesis('SubscribeToShardEvent.Records', 'Sum', 'Count'),
  kinesis('SubscribeToShardEvent.Bytes', 'Sum', 'Bytes'),
  kinesis('SubscribeToShardEvent.Success', 'Sum', 'Count'),
  kinesis('SubscribeToShardEvent.MillisBehindLatest', 'Maximum', 'Milliseconds'),
];

/** API Gateway's metrics for a stage (dimensions ApiName and Stage). */
export const STAGE_CHARTS: readonly ChartSpec[] = [
  gateway('Count', 'Sum', 'Count'),
  gateway('4XXError', 'Sum', 'Count'),
  gateway('5XXError', 'Sum', 'Count'),
  gateway('Latency', 'Average', 'Milliseconds'),
  gateway('IntegrationLatency', 'Average', 'Milliseconds'),
];
