import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * An S3 client for AWS or an S3-compatible server (MinIO, s3rver). Checksums are computed and
 * checked only where S3 requires them: the SDK's default adds trailing checksums with
 * `aws-chunked` encoding, which S3-compatible servers do not all accept.
 */
export const createS3Client = (config: S3ClientConfig): S3Client =>
  new S3Client({
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...config,
  });
