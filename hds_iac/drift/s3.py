"""Remote Terraform states in S3 (the `s3` backend), read with `s3:GetObject` only.

The reader takes a boto3 S3 client from the caller: `hds-iac live aws` passes one of the
scan's own session (same credentials, role and endpoint), `hds-iac live outscale` one of the
AWS default credential chain, with `--state-endpoint-url` for an S3-compatible store
(Outscale OOS). Errors name the object and the permission, never a credential.
"""
from __future__ import annotations

from typing import Any, Callable

from hds_iac.drift.states import S3Reader, StateReadError
from hds_iac.terraform import limits


def reader(client: Callable[[], Any]) -> S3Reader:
    """An `S3Reader` over the client `client()` gives (made on first use)."""

    def read(bucket: str, key: str, limit: int) -> bytes:
        import botocore.exceptions as bexc

        where = f"s3://{bucket}/{key}"
        try:
            answer = client().get_object(Bucket=bucket, Key=key)
        except bexc.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "error")
            hint = {"NoSuchKey": "no such object", "NoSuchBucket": "no such bucket",
                    "AccessDenied": "access denied: the identity needs s3:GetObject on it"
                                    " (and kms:Decrypt if the state is encrypted with a KMS"
                                    " key)"}.get(str(code), "")
            raise StateReadError(f"{where}: s3:GetObject failed: {code}"
                                 + (f" ({hint})" if hint else "")) from None
        except bexc.NoCredentialsError:
            raise StateReadError(f"{where}: no AWS credentials to read it with") from None
        except bexc.BotoCoreError as exc:
            raise StateReadError(f"{where}: s3:GetObject failed: {type(exc).__name__}") from None
        body = answer["Body"]
        try:
            size = answer.get("ContentLength")
            if isinstance(size, int) and size > limit:
                raise StateReadError(f"{where}: " + (limits.too_big(size, limit, "plans and states")
                                                      or "too big"))
            return body.read(limit + 1)
        finally:
            body.close()

    return read
