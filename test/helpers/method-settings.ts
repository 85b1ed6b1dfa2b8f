/**
 * A method setting as AWS's GetStage and UpdateStage show it: the fields set, over the defaults AWS
 * fills in for the others (the AWS CLI's update-stage examples). `loggingLevel` appears only once set.
 */
export function awsMethodSetting(own: Record<string, unknown>): Record<string, unknown> {
  return {
    metricsEnabled: false,
    dataTraceEnabled: false,
    throttlingBurstLimit: 5000,
    throttlingRateLimit: 10000,
    cachingEnabled: false,
    cacheTtlInSeconds: 300,
    cacheDataEncrypted: false,
    requireAuthorizationForCacheControl: true,
    unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER',
    ...own,
  };
}
