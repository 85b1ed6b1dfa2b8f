/** What the gateway reports to the metrics registry, per API and stage (CloudWatch's API Gateway metrics). */
export interface GatewayMetrics {
  request(apiName: string, stage: string, status: number, latencyMs: number, integrationLatencyMs: number | undefined): void;
}

export const noGatewayMetrics: GatewayMetrics = { request: () => {} };
