/** A request as every service sees it: headers lower-cased, body fully read. */
export interface EmulatorRequest {
  method: string;
  /** The path exactly as sent, still percent-encoded (SigV4 signs it that way for S3). */
  rawPath: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
}

export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
}

/** The emulated AWS service a request went to. */
export type ServiceName = "cognito-identity" | "cognito-idp" | "iam" | "sts" | "s3";

/** Value a query-protocol handler returns; serialized to XML inside `<OpResult>`. */
export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [key: string]: XmlValue };
