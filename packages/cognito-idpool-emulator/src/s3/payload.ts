import { createHash } from "node:crypto";
import { AwsError } from "../core/errors.js";
import type { EmulatorRequest } from "../core/types.js";
import { algorithmOf, CHECKSUM_ALGORITHMS, checksumHeader, computeChecksum, isChecksumValue, sha256Hex } from "./checksums.js";
import { badDigest, incompleteBody, invalidArgument, invalidRequest, notImplemented } from "./errors.js";
import type { ChecksumAlgorithm } from "./state.js";

/** A request body as S3 sees it once transfer encodings are undone and integrity checked. */
export interface Payload {
  body: Buffer;
  /** The flexible checksum the client sent (header or trailer), verified against the bytes. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
  /** Content-Encoding to store, with `aws-chunked` taken out. */
  contentEncoding?: string;
}

const UNSIGNED = "UNSIGNED-PAYLOAD";
const STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
/** Signed chunks: each chunk carries its own signature, which the emulator does not verify, so it refuses them. */
const STREAMING_SIGNED = /^STREAMING-AWS4-(HMAC-SHA256|ECDSA-P256-SHA256)-PAYLOAD(-TRAILER)?$/;

/**
 * Undoes `aws-chunked` (the AWS SDK v3 sends stream bodies that way, with the checksum in a trailer),
 * then checks `x-amz-content-sha256`, `Content-MD5` and `x-amz-checksum-*` against the bytes.
 */
export async function readPayload(request: EmulatorRequest, presigned: boolean): Promise<Payload> {
  const headers = request.headers;
  const declared = headers["x-amz-content-sha256"] ?? (presigned ? (request.url.searchParams.get("X-Amz-Content-Sha256") ?? UNSIGNED) : undefined);
  if (declared === undefined) throw invalidRequest("Missing required header for this request: x-amz-content-sha256");

  let body = request.body;
  let trailers: Record<string, string> = {};
  if (/^[0-9a-f]{64}$/.test(declared)) {
    const computed = sha256Hex(body);
    if (computed !== declared) {
      throw new AwsError("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400, {
        ClientComputedContentSHA256: declared,
        S3ComputedContentSHA256: computed,
      });
    }
  } else if (declared === STREAMING_UNSIGNED_TRAILER) {
    ({ body, trailers } = decodeAwsChunked(body));
    const decodedLength = headers["x-amz-decoded-content-length"];
    if (decodedLength === undefined) throw new AwsError("MissingContentLength", "You must provide the Content-Length HTTP header.", 411);
    if (Number(decodedLength) !== body.length) throw incompleteBody();
    checkTrailerNames(headers["x-amz-trailer"], trailers);
  } else if (STREAMING_SIGNED.test(declared)) {
    throw notImplemented("x-amz-content-sha256");
  } else if (declared !== UNSIGNED) {
    throw invalidArgument(
      "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
      "x-amz-content-sha256",
      declared,
    );
  }

  checkContentMd5(headers["content-md5"], body);
  const payload: Payload = { body };
  const checksum = await readChecksum(headers, trailers, body);
  if (checksum) payload.checksum = checksum;
  const encoding = (headers["content-encoding"] ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e && e.toLowerCase() !== "aws-chunked")
    .join(",");
  if (encoding) payload.contentEncoding = encoding;
  return payload;
}

/** `<hex size>[;ext]\r\n<bytes>\r\n` … `0\r\n<name>:<value>\r\n…\r\n` */
function decodeAwsChunked(raw: Buffer): { body: Buffer; trailers: Record<string, string> } {
  const parts: Buffer[] = [];
  let pos = 0;
  const line = (): string => {
    const end = raw.indexOf("\r\n", pos);
    if (end < 0) throw incompleteBody();
    const text = raw.subarray(pos, end).toString("latin1");
    pos = end + 2;
    return text;
  };
  for (;;) {
    const sizeText = line().split(";")[0]!;
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText))
      throw new AwsError("InvalidChunkSizeError", "Only the last chunk is allowed to have a size less than 8192 bytes", 400);
    const size = parseInt(sizeText, 16);
    if (size === 0) break;
    if (pos + size + 2 > raw.length || raw.subarray(pos + size, pos + size + 2).toString("latin1") !== "\r\n") throw incompleteBody();
    parts.push(raw.subarray(pos, pos + size));
    pos += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (;;) {
    if (pos >= raw.length) break; // some clients end right after the last trailer's CRLF
    const text = line();
    if (text === "") break;
    const colon = text.indexOf(":");
    if (colon <= 0) throw malformedTrailer();
    trailers[text.slice(0, colon).trim().toLowerCase()] = text.slice(colon + 1).trim();
  }
  if (pos !== raw.length) throw malformedTrailer();
  return { body: Buffer.concat(parts), trailers };
}

const malformedTrailer = () =>
  new AwsError("MalformedTrailerError", "The request contained trailing data that was not well-formed or did not conform to our published schema.", 400);

/** Trailers must be the ones `x-amz-trailer` announced. */
function checkTrailerNames(announced: string | undefined, trailers: Record<string, string>): void {
  const names = (announced ?? "")
    .split(",")
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean);
  const received = Object.keys(trailers);
  if (received.some((n) => !names.includes(n)) || names.some((n) => !received.includes(n))) throw malformedTrailer();
}

function checkContentMd5(header: string | undefined, body: Buffer): void {
  if (header === undefined) return;
  const digest = Buffer.from(header, "base64");
  if (!/^[A-Za-z0-9+/]{22}==$/.test(header) || digest.length !== 16) {
    throw new AwsError("InvalidDigest", "The Content-MD5 you specified was invalid.", 400, { "Content-MD5": header });
  }
  if (!createHash("md5").update(body).digest().equals(digest)) throw badDigest("Content-MD5");
}

async function readChecksum(headers: Record<string, string>, trailers: Record<string, string>, body: Buffer): Promise<Payload["checksum"]> {
  const found: { algorithm: ChecksumAlgorithm; value: string; trailer: boolean }[] = [];
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const name = checksumHeader(algorithm);
    if (headers[name] !== undefined) found.push({ algorithm, value: headers[name]!, trailer: false });
    if (trailers[name] !== undefined) found.push({ algorithm, value: trailers[name]!, trailer: true });
  }
  if (found.length > 1) throw invalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
  const sdkAlgorithm = headers["x-amz-sdk-checksum-algorithm"];
  const sent = found[0];
  if (sdkAlgorithm !== undefined) {
    if (!sent) throw invalidRequest("x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.");
    if (algorithmOf(sdkAlgorithm) !== sent.algorithm) throw invalidRequest("Value for x-amz-sdk-checksum-algorithm header is invalid.");
  }
  if (!sent) return undefined;
  if (!isChecksumValue(sent.algorithm, sent.value)) {
    throw invalidRequest(`Value for ${checksumHeader(sent.algorithm)}${sent.trailer ? " trailing" : ""} header is invalid.`);
  }
  if ((await computeChecksum(sent.algorithm, body)) !== sent.value) throw badDigest(sent.algorithm);
  return { algorithm: sent.algorithm, value: sent.value };
}
