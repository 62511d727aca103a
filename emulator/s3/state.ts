/** S3 state (buckets, objects, CORS). Owned by emulator/s3. */
export interface S3State {
  buckets: Record<string, unknown>;
}
export function emptyS3State(): S3State {
  return { buckets: {} };
}
