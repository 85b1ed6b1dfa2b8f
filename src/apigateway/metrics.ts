/** What the gateway reports to the metrics registry (CloudWatch's API Gateway metrics). */
export interface GatewayMetrics {
  /**
   * One request to a stage, counted per API and stage, and also per method
   * (CloudWatch's Resource and Method dimensions) when `method` is given: the
   * stage's detailed metrics (methodSettings metricsEnabled) are on for it.
   */
  request(
    apiName: string,
    stage: string,
    status: number,
    latencyMs: number,
    integrationLatencyMs: number | undefined,
    method?: { readonly resource: string; readonly httpMethod: string },
  ): void;
}

export const noGatewayMetrics: GatewayMetrics = { request: () => {} };
