/**
 * AWS integration URIs: `arn:aws:apigateway:{region}:{service}:action/{Action}`
 * (query-style actions, e.g. Kinesis ListStreams) and
 * `arn:aws:apigateway:{region}:{service}:path/{path}` (path-style APIs).
 * `{service}` may carry a subdomain: `{subdomain}.{service}`.
 */
export type AwsTarget =
  | { readonly style: 'action'; readonly region: string; readonly service: string; readonly subdomain?: string; readonly action: string; readonly query: string }
  | { readonly style: 'path'; readonly region: string; readonly service: string; readonly subdomain?: string; readonly path: string };

const AWS_URI = /^arn:aws[a-z-]*:apigateway:([^:]+):([^:]+):(action|path)\/(.*)$/;

export function parseAwsUri(uri: string): AwsTarget | undefined {
  const m = AWS_URI.exec(uri);
  if (!m) return undefined;
  const [, region, serviceSpec, style, rest] = m as unknown as [string, string, string, string, string];
  const dot = serviceSpec.lastIndexOf('.');
  const service = dot >= 0 ? serviceSpec.slice(dot + 1) : serviceSpec;
  const subdomain = dot >= 0 ? serviceSpec.slice(0, dot) : undefined;
  if (!service || !rest) return undefined;
  if (style === 'action') {
    // "action/ListStreams&Foo=bar" is allowed by AWS: extra query after "&".
    const amp = rest.indexOf('&');
    const action = amp >= 0 ? rest.slice(0, amp) : rest;
    const query = amp >= 0 ? rest.slice(amp + 1) : '';
    return { style: 'action', region, service, ...(subdomain ? { subdomain } : {}), action, query };
  }
  return { style: 'path', region, service, ...(subdomain ? { subdomain } : {}), path: '/' + rest.replace(/^\/+/, '') };
}
