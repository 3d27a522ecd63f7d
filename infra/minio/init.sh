#!/bin/sh
# One-shot MinIO set-up for docker compose (service minio-init), idempotent:
# - the attachments bucket, private;
# - its lifecycle: staged uploads (tmp/) and unfinished multipart uploads expire after a day
#   (a gateway that died mid-upload leaves them; packages/adapters/src/s3/s3-attachment-store.ts);
# - the apps' own access key, allowed that bucket only (never the root credentials).
set -eu

: "${MINIO_URL:?}" "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}"
: "${S3_BUCKET:?}" "${S3_ACCESS_KEY_ID:?}" "${S3_SECRET_ACCESS_KEY:?}"

mc alias set chat "$MINIO_URL" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "chat/$S3_BUCKET"
mc anonymous set none "chat/$S3_BUCKET"

lifecycle=$(mktemp)
cat >"$lifecycle" <<JSON
{"Rules": [
  {"ID": "staged-uploads", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
   "Expiration": {"Days": 1}},
  {"ID": "unfinished-multipart", "Status": "Enabled", "Filter": {"Prefix": ""},
   "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}
]}
JSON
mc ilm import "chat/$S3_BUCKET" <"$lifecycle"

policy=$(mktemp)
cat >"$policy" <<JSON
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation",
    "s3:ListBucketMultipartUploads"], "Resource": ["arn:aws:s3:::$S3_BUCKET"]},
  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
    "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
   "Resource": ["arn:aws:s3:::$S3_BUCKET/*"]}
]}
JSON
mc admin policy create chat chat-attachments "$policy"
mc admin user add chat "$S3_ACCESS_KEY_ID" "$S3_SECRET_ACCESS_KEY"
mc admin policy attach chat chat-attachments --user "$S3_ACCESS_KEY_ID" 2>/dev/null ||
  mc admin policy entities chat --user "$S3_ACCESS_KEY_ID" | grep -q chat-attachments
echo "bucket $S3_BUCKET ready"
