/** Tags on REST APIs and stages, addressed by ARN (`arn:aws:apigateway:{region}::/restapis/{id}[/stages/{name}]`), and on API keys and usage plans (`/apikeys/{id}`, `/usageplans/{id}`). */
import type { Draft } from '../api-store.js';
import { badRequest } from '../errors.js';
import type { Stage } from '../model.js';
import type { ManagementContext } from './context.js';
import { requireDeployment, requireStage, stageNotFound } from './lookups.js';
import { withUsageTags } from './usage-plans.js';

const TAGGABLE = /^arn:aws[a-z-]*:apigateway:[^:]*::\/restapis\/([^/]+)(?:\/stages\/([^/]+))?$/;

type TagChange = (tags: Record<string, string>) => void;

/** Reads the tags of what `arn` names, or changes them with `change`. */
async function withTags(ctx: ManagementContext, arn: string, change?: TagChange): Promise<Record<string, string>> {
  const m = TAGGABLE.exec(arn);
  const usage = m ? undefined : await withUsageTags(ctx, arn, change);
  if (usage) return usage;
  if (!m) throw badRequest('Invalid ARN specified in the request');
  const [, apiId, stageName] = m as unknown as [string, string, string | undefined];
  if (stageName === undefined) {
    if (!change) return { ...(await ctx.apis.require(apiId)).tags };
    return ctx.apis.edit(apiId, (api) => {
      const tags: Draft<Record<string, string>> = { ...api.tags };
      change(tags);
      api.tags = tags;
      return tags;
    });
  }
  const stage = await requireStage(ctx, apiId, stageName);
  if (!change) return { ...stage.tags };
  // Compare-and-set on the stored stage: a change another node made meanwhile is kept.
  const updated = await ctx.stages.write(apiId, stageName, async (current) => {
    if (!current) throw stageNotFound();
    const tags = { ...current.tags };
    change(tags);
    const next: Stage = { ...current, tags };
    return { stage: next, deployment: await requireDeployment(ctx, apiId, current.deploymentId) };
  });
  return { ...updated.tags };
}

export async function tagResource(ctx: ManagementContext, input: { resourceArn: string; tags: Record<string, string> }): Promise<void> {
  await withTags(ctx, input.resourceArn, (tags) => Object.assign(tags, input.tags));
}

export async function untagResource(ctx: ManagementContext, input: { resourceArn: string; tagKeys: string[] }): Promise<void> {
  await withTags(ctx, input.resourceArn, (tags) => {
    for (const k of input.tagKeys) delete tags[k];
  });
}

export async function getTags(ctx: ManagementContext, input: { resourceArn: string }): Promise<Record<string, unknown>> {
  return { tags: await withTags(ctx, input.resourceArn) };
}
