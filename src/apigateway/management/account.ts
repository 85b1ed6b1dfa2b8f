/** The account-level API Gateway settings (GetAccount), as a fresh AWS account reports them. */
export function getAccount(): Record<string, unknown> {
  return {
    throttleSettings: { burstLimit: 5000, rateLimit: 10000 },
    features: ['UsagePlans'],
    apiKeyVersion: '4',
  };
}
