/**
 * The permissions a Kinesis call needs, from its resolved target (targets.ts):
 * kinesis:<Operation> on the stream's or consumer's ARN (or "*" for account
 * actions), with the stream's or consumer's resource policy and the tag
 * condition keys AWS's Service Authorization Reference lists. Calls that set
 * tags while creating something need the tagging action too, as AWS's
 * reference maps CreateStream to kinesis:AddTagsToStream and
 * RegisterStreamConsumer to kinesis:TagResource.
 */
import { requestTagKeys, resourceTagKeys, type Permission } from '../iam/access.js';
import type { ContextValues } from '../iam/context.js';
import { liveConsumers } from './actions/consumers.js';
import type { StreamRegistry } from './streams.js';
import type { KinesisTarget } from './targets.js';

interface TagInput {
  readonly Tags?: Record<string, string>;
  readonly TagKeys?: string[];
}

/** The operations whose Tags create tags on a new resource, and the action that needs. */
const TAGGING_ALONG: Readonly<Record<string, string>> = {
  CreateStream: 'kinesis:AddTagsToStream',
  RegisterStreamConsumer: 'kinesis:TagResource',
};

interface Resolved {
  readonly arn: string;
  readonly policy?: string | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

function resourceOf(registry: StreamRegistry, target: KinesisTarget): Resolved {
  switch (target.kind) {
    case 'account':
      return { arn: '*' };
    case 'stream':
    case 'iterator': {
      const ref = target.stream;
      if (!ref) return { arn: '*' };
      const s = registry.get(ref.name);
      return { arn: ref.arn, policy: s?.resourcePolicy, tags: s?.tags };
    }
    case 'consumer': {
      const ref = target.consumer;
      const s = registry.get(ref.stream.name);
      const c = s ? liveConsumers(s).find((x) => (ref.arn !== undefined ? x.arn === ref.arn : x.name === ref.name)) : undefined;
      // A consumer that does not exist is authorized by the ARN it would have (without its creation time).
      return { arn: c?.arn ?? ref.arn ?? `${ref.stream.arn}/consumer/${ref.name}`, policy: c?.resourcePolicy };
    }
  }
}

export function permissionsFor(registry: StreamRegistry, operation: string, input: TagInput, target: KinesisTarget): Permission[] {
  const resource = resourceOf(registry, target);
  const tagKeys = input.Tags !== undefined || input.TagKeys !== undefined ? requestTagKeys(input.Tags, input.TagKeys) : {};
  const context: ContextValues = { ...resourceTagKeys(resource.tags), ...tagKeys };
  const base = { resource: resource.arn, context, resourcePolicy: resource.policy };
  const permissions: Permission[] = [{ action: `kinesis:${operation}`, ...base }];
  const along = TAGGING_ALONG[operation];
  if (along && input.Tags !== undefined && Object.keys(input.Tags).length > 0) permissions.push({ action: along, ...base });
  return permissions;
}
