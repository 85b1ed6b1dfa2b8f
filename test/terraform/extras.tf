# Every API Gateway resource Sluice keeps beside methods, and the IAM calls
# Terraform makes for instance profiles, customer managed policies and AWS
# managed policy attachments: test/terraform.test.ts applies, plans (no
# changes) and destroys it.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}
variable "endpoint" { type = string }
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  endpoints {
    apigateway = var.endpoint
    iam        = var.endpoint
    sts        = var.endpoint
  }
}
resource "aws_api_gateway_rest_api" "api" {
  name = "extras"
}
resource "aws_api_gateway_authorizer" "lambda" {
  name            = "lambda"
  rest_api_id     = aws_api_gateway_rest_api.api.id
  authorizer_uri  = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:auth/invocations"
  identity_source = "method.request.header.Authorization"
}
resource "aws_api_gateway_authorizer" "cognito" {
  name          = "cognito"
  type          = "COGNITO_USER_POOLS"
  rest_api_id   = aws_api_gateway_rest_api.api.id
  provider_arns = ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc123"]
}
resource "aws_api_gateway_method" "get" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_rest_api.api.root_resource_id
  http_method   = "GET"
  authorization = "CUSTOM"
  authorizer_id = aws_api_gateway_authorizer.lambda.id
}
resource "aws_api_gateway_integration" "get" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_rest_api.api.root_resource_id
  http_method = aws_api_gateway_method.get.http_method
  type        = "MOCK"
  request_templates = { "application/json" = "{\"statusCode\": 200}" }
}
resource "aws_api_gateway_documentation_part" "api" {
  location { type = "API" }
  properties  = "{\"description\":\"Extras\"}"
  rest_api_id = aws_api_gateway_rest_api.api.id
}
resource "aws_api_gateway_documentation_part" "method" {
  location {
    type   = "METHOD"
    method = "GET"
    path   = "/"
  }
  properties  = "{\"description\":\"Root\"}"
  rest_api_id = aws_api_gateway_rest_api.api.id
}
resource "aws_api_gateway_deployment" "d" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  depends_on  = [aws_api_gateway_integration.get]
}
resource "aws_api_gateway_stage" "s" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.d.id
  stage_name    = "prod"
}
resource "aws_api_gateway_documentation_version" "v1" {
  version     = "v1"
  rest_api_id = aws_api_gateway_rest_api.api.id
  description = "first"
  depends_on  = [aws_api_gateway_documentation_part.api]
}
resource "aws_api_gateway_vpc_link" "link" {
  name        = "link"
  target_arns = ["arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/net/nlb/0123456789abcdef"]
}
resource "aws_api_gateway_client_certificate" "cert" {
  description = "backend"
}
resource "aws_api_gateway_domain_name" "d" {
  domain_name              = "api.example.com"
  regional_certificate_arn = "arn:aws:acm:us-east-1:000000000000:certificate/abc"
  endpoint_configuration { types = ["REGIONAL"] }
}
resource "aws_api_gateway_base_path_mapping" "m" {
  api_id      = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.s.stage_name
  domain_name = aws_api_gateway_domain_name.d.domain_name
}
resource "aws_iam_instance_profile" "p" {
  name = "web"
  role = aws_iam_role.r.name
}
resource "aws_iam_role" "r" {
  name               = "ec2"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_policy" "p" {
  name   = "versioned"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "kinesis:List*", Resource = "*" }] })
}
resource "aws_iam_role_policy_attachment" "ro" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
