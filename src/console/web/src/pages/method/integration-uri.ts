/** Reading an integration's target for a summary line (AWS service actions, HTTP URLs, mocks). */
import type { Integration } from '../../clients/apigateway.js';

/** arn:aws:apigateway:{region}:{service}:action/{Action} or :path/{path} */
export function parseAwsUri(uri: string): { region: string; service: string; kind: 'action' | 'path'; target: string } | undefined {
  const m = /^arn:aws:apigateway:([^:]*):([^:]+):(action|path)\/(.*)$/.exec(uri);
  return m ? { region: m[1]!, service: m[2]!, kind: m[3] as 'action' | 'path', target: m[4]! } : undefined;
}

export function describeIntegration(i: Integration): string {
  if (i.type === 'MOCK') return 'Mock';
  if (i.type === 'AWS' || i.type === 'AWS_PROXY') {
    const aws = i.uri ? parseAwsUri(i.uri) : undefined;
    if (aws) return `${aws.service} ${aws.kind === 'action' ? aws.target : `/${aws.target}`} (${i.httpMethod ?? 'POST'})`;
    return i.uri ?? 'AWS';
  }
  return `${i.httpMethod ?? ''} ${i.uri ?? ''}`.trim();
}
