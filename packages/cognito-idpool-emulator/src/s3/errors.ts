import { AwsError } from "../core/errors.js";

/** S3's error codes with the status and message S3 sends for them. */

export const noSuchBucket = (bucket: string) => new AwsError("NoSuchBucket", "The specified bucket does not exist", 404, { BucketName: bucket });

export const noSuchKey = (key: string) => new AwsError("NoSuchKey", "The specified key does not exist.", 404, { Key: key });

export const malformedXml = () =>
  new AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);

export const invalidRequest = (message: string) => new AwsError("InvalidRequest", message, 400);

export const invalidArgument = (message: string, name: string, value: string) =>
  new AwsError("InvalidArgument", message, 400, { ArgumentName: name, ArgumentValue: value });

export const notImplemented = (header?: string) =>
  new AwsError("NotImplemented", "A header you provided implies functionality that is not implemented", 501, header ? { Header: header } : {});

export const badDigest = (what: string) =>
  new AwsError(
    "BadDigest",
    what === "Content-MD5"
      ? "The Content-MD5 you specified did not match what we received."
      : `The ${what} you specified did not match the calculated checksum.`,
    400,
  );

export const preconditionFailed = (condition: string) =>
  new AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412, { Condition: condition });

export const incompleteBody = () => new AwsError("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header", 400);
