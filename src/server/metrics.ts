/**
 * `GET /_sluice/metrics`: Prometheus text, with the metrics CloudWatch
 * publishes for Kinesis Data Streams and API Gateway, named after them
 * (`kinesis_IncomingRecords`, `kinesis_PutRecords_Latency`,
 * `apigateway_4XXError`...; a CloudWatch name's dots become underscores) and
 * labelled with CloudWatch's dimensions (StreamName, ShardId, ConsumerName,
 * ApiName, Stage). Counts are counters (CloudWatch's Sum); latencies are
 * histograms in milliseconds; IteratorAgeMilliseconds and MillisBehindLatest
 * are gauges (CloudWatch's Maximum over the last call). Shard-level metrics
 * (enhanced monitoring) are `kinesis_shard_*`, only for the metrics enabled
 * on the stream. Process metrics come from prom-client's defaults.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GatewayMetrics } from '../apigateway/metrics.js';
import type { KinesisMetrics, ShardCount } from '../kinesis/metrics.js';

const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

export interface Metrics {
  readonly registry: Registry;
  readonly kinesis: KinesisMetrics;
  readonly gateway: GatewayMetrics;
  /** The exposition text. */
  text(): Promise<string>;
  readonly contentType: string;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string, labelNames: string[]): Counter => new Counter({ name, help, labelNames, registers: [registry] });
  const histogram = (name: string, help: string, labelNames: string[]): Histogram => new Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS_MS, registers: [registry] });
  const gauge = (name: string, help: string, labelNames: string[]): Gauge => new Gauge({ name, help, labelNames, registers: [registry] });
  const S = ['StreamName'];
  const SS = ['StreamName', 'ShardId'];

  const k = {
    incomingRecords: counter('kinesis_IncomingRecords', 'Records put (PutRecord and PutRecords), by stream (CloudWatch IncomingRecords)', S),
    incomingBytes: counter('kinesis_IncomingBytes', 'Bytes put, data and partition keys (CloudWatch IncomingBytes)', S),
    putRecordLatency: histogram('kinesis_PutRecord_Latency', 'PutRecord latency in ms (CloudWatch PutRecord.Latency)', S),
    putRecordSuccess: counter('kinesis_PutRecord_Success', 'Successful PutRecord calls (CloudWatch PutRecord.Success)', S),
    putRecordBytes: counter('kinesis_PutRecord_Bytes', 'Bytes put by PutRecord (CloudWatch PutRecord.Bytes)', S),
    putRecordsLatency: histogram('kinesis_PutRecords_Latency', 'PutRecords latency in ms (CloudWatch PutRecords.Latency)', S),
    putRecordsSuccess: counter('kinesis_PutRecords_Success', 'PutRecords calls with at least one record written (CloudWatch PutRecords.Success)', S),
    putRecordsBytes: counter('kinesis_PutRecords_Bytes', 'Bytes put by PutRecords (CloudWatch PutRecords.Bytes)', S),
    putRecordsRecords: counter('kinesis_PutRecords_Records', 'Records written by PutRecords (CloudWatch PutRecords.Records)', S),
    putRecordsTotal: counter('kinesis_PutRecords_TotalRecords', 'Records sent in PutRecords calls (CloudWatch PutRecords.TotalRecords)', S),
    putRecordsSuccessful: counter('kinesis_PutRecords_SuccessfulRecords', 'Records PutRecords wrote (CloudWatch PutRecords.SuccessfulRecords)', S),
    putRecordsFailed: counter('kinesis_PutRecords_FailedRecords', 'Records PutRecords refused for internal failures (CloudWatch PutRecords.FailedRecords)', S),
    putRecordsThrottled: counter('kinesis_PutRecords_ThrottledRecords', 'Records PutRecords refused for throughput (CloudWatch PutRecords.ThrottledRecords)', S),
    writeExceeded: counter('kinesis_WriteProvisionedThroughputExceeded', 'Records refused for write throughput (CloudWatch WriteProvisionedThroughputExceeded)', S),
    readExceeded: counter('kinesis_ReadProvisionedThroughputExceeded', 'GetRecords calls refused for read throughput (CloudWatch ReadProvisionedThroughputExceeded)', S),
    getLatency: histogram('kinesis_GetRecords_Latency', 'GetRecords latency in ms (CloudWatch GetRecords.Latency)', S),
    getSuccess: counter('kinesis_GetRecords_Success', 'Successful GetRecords calls (CloudWatch GetRecords.Success)', S),
    getRecords: counter('kinesis_GetRecords_Records', 'Records returned by GetRecords (CloudWatch GetRecords.Records)', S),
    getBytes: counter('kinesis_GetRecords_Bytes', 'Data bytes returned by GetRecords (CloudWatch GetRecords.Bytes)', S),
    iteratorAge: gauge('kinesis_GetRecords_IteratorAgeMilliseconds', 'Age of the last record GetRecords returned, ms (CloudWatch GetRecords.IteratorAgeMilliseconds, Maximum)', S),
    subRecords: counter('kinesis_SubscribeToShardEvent_Records', 'Records pushed to subscribers (CloudWatch SubscribeToShardEvent.Records)', ['StreamName', 'ConsumerName']),
    subBytes: counter('kinesis_SubscribeToShardEvent_Bytes', 'Data bytes pushed to subscribers (CloudWatch SubscribeToShardEvent.Bytes)', ['StreamName', 'ConsumerName']),
    subSuccess: counter('kinesis_SubscribeToShardEvent_Success', 'Events pushed to subscribers (CloudWatch SubscribeToShardEvent.Success)', ['StreamName', 'ConsumerName']),
    subBehind: gauge('kinesis_SubscribeToShardEvent_MillisBehindLatest', 'How far the last event was behind the tip, ms (CloudWatch SubscribeToShardEvent.MillisBehindLatest)', ['StreamName', 'ConsumerName']),
    outgoingRecords: counter('kinesis_OutgoingRecords', 'Records read, by GetRecords and subscriptions (CloudWatch OutgoingRecords)', S),
    outgoingBytes: counter('kinesis_OutgoingBytes', 'Bytes read (CloudWatch OutgoingBytes)', S),
    shardIncomingRecords: counter('kinesis_shard_IncomingRecords', 'Records put, by shard (enhanced monitoring)', SS),
    shardIncomingBytes: counter('kinesis_shard_IncomingBytes', 'Bytes put, by shard (enhanced monitoring)', SS),
    shardOutgoingRecords: counter('kinesis_shard_OutgoingRecords', 'Records read, by shard (enhanced monitoring)', SS),
    shardOutgoingBytes: counter('kinesis_shard_OutgoingBytes', 'Bytes read, by shard (enhanced monitoring)', SS),
    shardWriteExceeded: counter('kinesis_shard_WriteProvisionedThroughputExceeded', 'Writes refused for throughput, by shard (enhanced monitoring)', SS),
    shardReadExceeded: counter('kinesis_shard_ReadProvisionedThroughputExceeded', 'Reads refused for throughput, by shard (enhanced monitoring)', SS),
    shardIteratorAge: gauge('kinesis_shard_IteratorAgeMilliseconds', 'Age of the last record read, by shard (enhanced monitoring)', SS),
  };

  const on = (shardLevel: readonly string[], metric: string): boolean => shardLevel.includes(metric);
  const sum = (xs: readonly ShardCount[], f: (x: ShardCount) => number): number => xs.reduce((a, x) => a + f(x), 0);

  const kinesis: KinesisMetrics = {
    put(call, stream, written, throttled, failed, latencyMs, success, shardLevel) {
      const records = sum(written, (x) => x.records);
      const bytes = sum(written, (x) => x.bytes);
      const refused = sum(throttled, (x) => x.records);
      const l = { StreamName: stream };
      if (records > 0) {
        k.incomingRecords.inc(l, records);
        k.incomingBytes.inc(l, bytes);
      }
      if (refused > 0) k.writeExceeded.inc(l, refused);
      if (call === 'PutRecord') {
        k.putRecordLatency.observe(l, latencyMs);
        if (success) {
          k.putRecordSuccess.inc(l);
          k.putRecordBytes.inc(l, bytes);
        }
      } else {
        k.putRecordsLatency.observe(l, latencyMs);
        k.putRecordsTotal.inc(l, records + refused + failed);
        k.putRecordsSuccessful.inc(l, records);
        k.putRecordsRecords.inc(l, records);
        k.putRecordsBytes.inc(l, bytes);
        if (refused > 0) k.putRecordsThrottled.inc(l, refused);
        if (failed > 0) k.putRecordsFailed.inc(l, failed);
        if (success && records > 0) k.putRecordsSuccess.inc(l);
      }
      for (const x of written) {
        const ls = { StreamName: stream, ShardId: x.shardId };
        if (on(shardLevel, 'IncomingRecords')) k.shardIncomingRecords.inc(ls, x.records);
        if (on(shardLevel, 'IncomingBytes')) k.shardIncomingBytes.inc(ls, x.bytes);
      }
      if (on(shardLevel, 'WriteProvisionedThroughputExceeded')) for (const x of throttled) k.shardWriteExceeded.inc({ StreamName: stream, ShardId: x.shardId }, x.records);
    },
    get(stream, shardId, records, bytes, iteratorAgeMs, latencyMs, success, shardLevel) {
      const l = { StreamName: stream };
      k.getLatency.observe(l, latencyMs);
      if (!success) return;
      k.getSuccess.inc(l);
      k.getRecords.inc(l, records);
      k.getBytes.inc(l, bytes);
      k.outgoingRecords.inc(l, records);
      k.outgoingBytes.inc(l, bytes);
      k.iteratorAge.set(l, iteratorAgeMs);
      const ls = { StreamName: stream, ShardId: shardId };
      if (on(shardLevel, 'OutgoingRecords')) k.shardOutgoingRecords.inc(ls, records);
      if (on(shardLevel, 'OutgoingBytes')) k.shardOutgoingBytes.inc(ls, bytes);
      if (on(shardLevel, 'IteratorAgeMilliseconds')) k.shardIteratorAge.set(ls, iteratorAgeMs);
    },
    readThrottled(stream, shardId, shardLevel) {
      k.readExceeded.inc({ StreamName: stream });
      if (on(shardLevel, 'ReadProvisionedThroughputExceeded')) k.shardReadExceeded.inc({ StreamName: stream, ShardId: shardId });
    },
    subscribeEvent(stream, consumer, records, bytes, millisBehindLatest) {
      const l = { StreamName: stream, ConsumerName: consumer };
      k.subSuccess.inc(l);
      k.subRecords.inc(l, records);
      k.subBytes.inc(l, bytes);
      k.subBehind.set(l, millisBehindLatest);
      k.outgoingRecords.inc({ StreamName: stream }, records);
      k.outgoingBytes.inc({ StreamName: stream }, bytes);
    },
  };

  const A = ['ApiName', 'Stage'];
  const g = {
    count: counter('apigateway_Count', 'Requests to a stage (CloudWatch Count)', A),
    e4: counter('apigateway_4XXError', 'Client errors (CloudWatch 4XXError)', A),
    e5: counter('apigateway_5XXError', 'Server errors (CloudWatch 5XXError)', A),
    latency: histogram('apigateway_Latency', 'Time from request to response, ms (CloudWatch Latency)', A),
    integrationLatency: histogram('apigateway_IntegrationLatency', 'Time the integration took, ms (CloudWatch IntegrationLatency)', A),
  };
  // Detailed metrics: the same five, per method, only for methods whose stage settings enable them (CloudWatch's
  // ApiName, Method, Resource, Stage dimensions).
  const AM = ['ApiName', 'Method', 'Resource', 'Stage'];
  const gm = {
    count: counter('apigateway_method_Count', 'Requests to a method (CloudWatch Count, detailed metrics)', AM),
    e4: counter('apigateway_method_4XXError', 'Client errors of a method (CloudWatch 4XXError, detailed metrics)', AM),
    e5: counter('apigateway_method_5XXError', 'Server errors of a method (CloudWatch 5XXError, detailed metrics)', AM),
    latency: histogram('apigateway_method_Latency', 'Time from request to response of a method, ms (CloudWatch Latency, detailed metrics)', AM),
    integrationLatency: histogram('apigateway_method_IntegrationLatency', 'Time the integration of a method took, ms (CloudWatch IntegrationLatency, detailed metrics)', AM),
  };
  const countRequest = (m: typeof g, l: Record<string, string>, status: number, latencyMs: number, integrationLatencyMs: number | undefined): void => {
    m.count.inc(l);
    if (status >= 400 && status < 500) m.e4.inc(l);
    if (status >= 500) m.e5.inc(l);
    m.latency.observe(l, latencyMs);
    if (integrationLatencyMs !== undefined) m.integrationLatency.observe(l, integrationLatencyMs);
  };
  const gateway: GatewayMetrics = {
    request(apiName, stage, status, latencyMs, integrationLatencyMs, method) {
      countRequest(g, { ApiName: apiName, Stage: stage }, status, latencyMs, integrationLatencyMs);
      if (method) countRequest(gm, { ApiName: apiName, Method: method.httpMethod, Resource: method.resource, Stage: stage }, status, latencyMs, integrationLatencyMs);
    },
  };

  return { registry, kinesis, gateway, text: () => registry.metrics(), contentType: registry.contentType };
}
