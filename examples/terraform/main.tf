# The KinesisProxy API of AWS's tutorial "Create a REST API as an Amazon Kinesis
# proxy in API Gateway", written the way a Terraform user writes it: an execution
# role trusting API Gateway with AmazonKinesisFullAccess attached, a stream, the
# REST API's resources, methods, integrations and responses, a deployment and a
# stage, and the account-level CloudWatch role API Gateway logs with.
#
#   terraform apply -var endpoint=http://127.0.0.1:4566
#
# test/terraform.test.ts applies, plans and destroys it against Sluice.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

variable "endpoint" {
  description = "Sluice's URL"
  type        = string
  default     = "http://127.0.0.1:4566"
}

variable "region" {
  type    = string
  default = "us-east-1"
}

provider "aws" {
  region                      = var.region
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  s3_use_path_style           = true

  endpoints {
    apigateway = var.endpoint
    iam        = var.endpoint
    kinesis    = var.endpoint
    sts        = var.endpoint
  }
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

# ------------------------------------------------------------------ IAM

data "aws_iam_policy_document" "apigateway_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "kinesis_proxy" {
  name               = "tf-apigw-kinesis-proxy"
  description        = "Lets API Gateway call Kinesis for the KinesisProxy API"
  assume_role_policy = data.aws_iam_policy_document.apigateway_trust.json
  tags = {
    project = "kinesis-proxy"
  }
}

resource "aws_iam_role_policy_attachment" "kinesis_full_access" {
  role       = aws_iam_role.kinesis_proxy.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonKinesisFullAccess"
}

resource "aws_iam_role" "cloudwatch" {
  name               = "tf-apigw-cloudwatch"
  assume_role_policy = data.aws_iam_policy_document.apigateway_trust.json
}

resource "aws_iam_role_policy_attachment" "cloudwatch_logs" {
  role       = aws_iam_role.cloudwatch.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  cloudwatch_role_arn = aws_iam_role.cloudwatch.arn
  # Destroying it clears the role from the account settings (UpdateAccount).
  reset_on_delete = true
  depends_on      = [aws_iam_role_policy_attachment.cloudwatch_logs]
}

# ------------------------------------------------------------------ Kinesis

resource "aws_kinesis_stream" "orders" {
  name             = "tf-orders"
  shard_count      = 1
  retention_period = 24
}

# ------------------------------------------------------------------ API Gateway

resource "aws_api_gateway_rest_api" "kinesis_proxy" {
  name        = "KinesisProxy"
  description = "Lists, creates, describes and deletes Kinesis streams, and reads and writes their records."
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

locals {
  api_id      = aws_api_gateway_rest_api.kinesis_proxy.id
  credentials = aws_iam_role.kinesis_proxy.arn
  kinesis_uri = "arn:aws:apigateway:${var.region}:kinesis:action"
  json_header = { "integration.request.header.Content-Type" = "'application/x-amz-json-1.1'" }
}

resource "aws_api_gateway_resource" "streams" {
  rest_api_id = local.api_id
  parent_id   = aws_api_gateway_rest_api.kinesis_proxy.root_resource_id
  path_part   = "streams"
}

resource "aws_api_gateway_resource" "stream" {
  rest_api_id = local.api_id
  parent_id   = aws_api_gateway_resource.streams.id
  path_part   = "{stream-name}"
}

resource "aws_api_gateway_resource" "record" {
  rest_api_id = local.api_id
  parent_id   = aws_api_gateway_resource.stream.id
  path_part   = "record"
}

# GET /streams: ListStreams
resource "aws_api_gateway_method" "list_streams" {
  rest_api_id   = local.api_id
  resource_id   = aws_api_gateway_resource.streams.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "list_streams" {
  rest_api_id             = local.api_id
  resource_id             = aws_api_gateway_resource.streams.id
  http_method             = aws_api_gateway_method.list_streams.http_method
  type                    = "AWS"
  integration_http_method = "POST"
  uri                     = "${local.kinesis_uri}/ListStreams"
  credentials             = local.credentials
  request_parameters      = local.json_header
  request_templates       = { "application/json" = "{}" }
  passthrough_behavior    = "WHEN_NO_TEMPLATES"
}

resource "aws_api_gateway_method_response" "list_streams" {
  rest_api_id     = local.api_id
  resource_id     = aws_api_gateway_resource.streams.id
  http_method     = aws_api_gateway_method.list_streams.http_method
  status_code     = "200"
  response_models = { "application/json" = "Empty" }
}

resource "aws_api_gateway_integration_response" "list_streams" {
  rest_api_id = local.api_id
  resource_id = aws_api_gateway_resource.streams.id
  http_method = aws_api_gateway_method.list_streams.http_method
  status_code = aws_api_gateway_method_response.list_streams.status_code
  depends_on  = [aws_api_gateway_integration.list_streams]
}

# GET /streams/{stream-name}: DescribeStream
resource "aws_api_gateway_method" "describe_stream" {
  rest_api_id        = local.api_id
  resource_id        = aws_api_gateway_resource.stream.id
  http_method        = "GET"
  authorization      = "NONE"
  request_parameters = { "method.request.path.stream-name" = true }
}

resource "aws_api_gateway_integration" "describe_stream" {
  rest_api_id             = local.api_id
  resource_id             = aws_api_gateway_resource.stream.id
  http_method             = aws_api_gateway_method.describe_stream.http_method
  type                    = "AWS"
  integration_http_method = "POST"
  uri                     = "${local.kinesis_uri}/DescribeStream"
  credentials             = local.credentials
  request_parameters      = local.json_header
  request_templates = {
    "application/json" = <<-EOT
      {
          "StreamName": "$input.params('stream-name')"
      }
    EOT
  }
  passthrough_behavior = "WHEN_NO_TEMPLATES"
}

resource "aws_api_gateway_method_response" "describe_stream" {
  rest_api_id     = local.api_id
  resource_id     = aws_api_gateway_resource.stream.id
  http_method     = aws_api_gateway_method.describe_stream.http_method
  status_code     = "200"
  response_models = { "application/json" = "Empty" }
}

resource "aws_api_gateway_integration_response" "describe_stream" {
  rest_api_id = local.api_id
  resource_id = aws_api_gateway_resource.stream.id
  http_method = aws_api_gateway_method.describe_stream.http_method
  status_code = aws_api_gateway_method_response.describe_stream.status_code
  depends_on  = [aws_api_gateway_integration.describe_stream]
}

# PUT /streams/{stream-name}/record: PutRecord
resource "aws_api_gateway_method" "put_record" {
  rest_api_id        = local.api_id
  resource_id        = aws_api_gateway_resource.record.id
  http_method        = "PUT"
  authorization      = "NONE"
  request_parameters = { "method.request.path.stream-name" = true }
}

resource "aws_api_gateway_integration" "put_record" {
  rest_api_id             = local.api_id
  resource_id             = aws_api_gateway_resource.record.id
  http_method             = aws_api_gateway_method.put_record.http_method
  type                    = "AWS"
  integration_http_method = "POST"
  uri                     = "${local.kinesis_uri}/PutRecord"
  credentials             = local.credentials
  request_parameters      = local.json_header
  request_templates = {
    "application/json" = <<-EOT
      {
          "StreamName": "$input.params('stream-name')",
          "Data": "$util.base64Encode($input.json('$.Data'))",
          "PartitionKey": "$input.path('$.PartitionKey')"
      }
    EOT
  }
  passthrough_behavior = "WHEN_NO_TEMPLATES"
}

resource "aws_api_gateway_method_response" "put_record" {
  rest_api_id     = local.api_id
  resource_id     = aws_api_gateway_resource.record.id
  http_method     = aws_api_gateway_method.put_record.http_method
  status_code     = "200"
  response_models = { "application/json" = "Empty" }
}

resource "aws_api_gateway_integration_response" "put_record" {
  rest_api_id = local.api_id
  resource_id = aws_api_gateway_resource.record.id
  http_method = aws_api_gateway_method.put_record.http_method
  status_code = aws_api_gateway_method_response.put_record.status_code
  depends_on  = [aws_api_gateway_integration.put_record]
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = local.api_id
  description = "KinesisProxy"

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.streams.id,
      aws_api_gateway_resource.stream.id,
      aws_api_gateway_resource.record.id,
      aws_api_gateway_method.list_streams.id,
      aws_api_gateway_method.describe_stream.id,
      aws_api_gateway_method.put_record.id,
      aws_api_gateway_integration.list_streams.id,
      aws_api_gateway_integration.describe_stream.id,
      aws_api_gateway_integration.put_record.id,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [
    aws_api_gateway_integration_response.list_streams,
    aws_api_gateway_integration_response.describe_stream,
    aws_api_gateway_integration_response.put_record,
  ]
}

resource "aws_api_gateway_stage" "test" {
  rest_api_id   = local.api_id
  deployment_id = aws_api_gateway_deployment.this.id
  stage_name    = "test"
  description   = "Tutorial stage"
  variables = {
    stream = aws_kinesis_stream.orders.name
  }
  # Sluice writes these lines to its own log (or --access-log); the log group is only named.
  access_log_settings {
    destination_arn = "arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:kinesis-proxy-access"
    format          = jsonencode({ requestId = "$context.requestId", ip = "$context.identity.sourceIp", method = "$context.httpMethod", path = "$context.resourcePath", status = "$context.status" })
  }
  # Logging needs the account's CloudWatch role first, as on AWS.
  depends_on = [aws_api_gateway_account.this]
}

# Execution logs and detailed metrics for every method of the stage.
resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = local.api_id
  stage_name  = aws_api_gateway_stage.test.stage_name
  method_path = "*/*"
  settings {
    logging_level      = "INFO"
    metrics_enabled    = true
    data_trace_enabled = false
  }
}

output "invoke_url" {
  value = aws_api_gateway_stage.test.invoke_url
}

output "rest_api_id" {
  value = local.api_id
}

output "stream_arn" {
  value = aws_kinesis_stream.orders.arn
}
