provider "aws" {
  region = "eu-west-3"
}

module "store" {
  source  = "example-org/store/aws"
  version = "1.2.0"
  name    = "records"
}
