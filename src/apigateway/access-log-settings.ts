/**
 * What UpdateStage takes as a stage's access log settings (`/accessLogSettings/format`,
 * `/accessLogSettings/destinationArn`), as AWS checks them; the console checks a draft with the
 * same functions before sending it. Each returns the refusal's message, or undefined.
 */

/**
 * A format AWS takes: one line, a newline allowed at its end only ("Access Log format must be
 * single line, new line character is allowed only at end of the format", with the format after it:
 * AWS's words, quoted from AWS in ministryofjustice/cloud-platform-environments#12962 and in
 * yayfalafels/mcfpipe's notes of a CloudFormation failure), that includes `$context.requestId` or
 * `$context.extendedRequestId` (AWS's API reference; "API Gateway ControlPlane requires either",
 * aws/aws-cdk#22591). The wording of the second refusal is Sluice's: no AWS answer quoting it was
 * found.
 */
export function accessLogFormatProblem(format: string): string | undefined {
  const line = format.endsWith('\r\n') ? format.slice(0, -2) : format.endsWith('\n') ? format.slice(0, -1) : format;
  if (/[\r\n]/.test(line)) return `Access Log format must be single line, new line character is allowed only at end of the format: '${format}'`;
  if (!/\$context\.(requestId|extendedRequestId)\b/.test(format)) {
    return `Access Log format must include either $context.requestId or $context.extendedRequestId: '${format}'`;
  }
  return undefined;
}

const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:([^:\s]+)(:\*)?$/;
const FIREHOSE_ARN = /^arn:aws[a-z-]*:firehose:[a-z0-9-]+:\d{12}:deliverystream\/(\S+)$/;

/**
 * A destination AWS takes: a CloudWatch Logs log group's ARN, without the `:*` that
 * CloudFormation's `Arn` attribute of a log group ends with (LocalStack's AWS-validated access log
 * test strips it because "API Gateway doesn't allow" it), or a Kinesis Data Firehose stream whose
 * name begins with `amazon-apigateway-` (AWS's API reference). The group need not exist: AWS took
 * a destination naming none (recorded). The wording of these refusals is Sluice's: no AWS answer
 * quoting AWS's was found.
 */
export function accessLogDestinationProblem(arn: string): string | undefined {
  const group = LOG_GROUP_ARN.exec(arn);
  if (group) return group[2] ? `Invalid access log destination ARN '${arn}': a log group's ARN ends with the group's name, without ':*'` : undefined;
  const stream = FIREHOSE_ARN.exec(arn);
  if (stream) {
    return stream[1]!.startsWith('amazon-apigateway-')
      ? undefined
      : `Invalid access log destination ARN '${arn}': the name of a Kinesis Data Firehose stream that receives access logs must begin with amazon-apigateway-`;
  }
  return (
    `Invalid access log destination ARN '${arn}': it must be a CloudWatch Logs log group (arn:aws:logs:{region}:{account-id}:log-group:{log-group-name}) ` +
    'or a Kinesis Data Firehose stream (arn:aws:firehose:{region}:{account-id}:deliverystream/amazon-apigateway-{name})'
  );
}
