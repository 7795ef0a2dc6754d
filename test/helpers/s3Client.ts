/**
 * A small S3 client for tests: GetObject and ListObjectsV2 signed with
 * AWS Signature Version 4, over fetch. The launcher reads a run's results
 * through the S3 API, not through a mount; this is how the tests do the same
 * without the AWS SDK's few hundred files (a few lines of SigV4 suffice for
 * two read-only calls against one server).
 */
import { createHash, createHmac } from 'node:crypto';

export interface S3Access {
  /** e.g. http://127.0.0.1:7070 (path-style addressing). */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region?: string;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
/** RFC 3986 encoding, as SigV4 wants it: everything but unreserved characters (and `/` in paths). */
const encode = (s: string, keepSlash: boolean): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(keepSlash ? /%2F/g : /$^/, '/');

/** Signs and sends a GET of `/<bucket>/<key>` with the given query; the response as it came. */
async function signedGet(s3: S3Access, bucket: string, key: string, query: Record<string, string>): Promise<Response> {
  const url = new URL(s3.endpoint);
  const region = s3.region ?? 'us-east-1';
  const now = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = now.slice(0, 8);
  const canonicalUri = encode(`/${bucket}/${key}`, true);
  const canonicalQuery = Object.keys(query).sort().map((k) => `${encode(k, false)}=${encode(query[k]!, false)}`).join('&');
  const payloadHash = sha256('');
  const headers: Record<string, string> = { host: url.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': now };
  const signedHeaders = Object.keys(headers).sort().join(';');
  const canonicalHeaders = Object.keys(headers).sort().map((h) => `${h}:${headers[h]}\n`).join('');
  const canonicalRequest = ['GET', canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', now, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${s3.secretKey}`, day), region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  const authorization = `AWS4-HMAC-SHA256 Credential=${s3.accessKey}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  const target = `${url.origin}${canonicalUri}${canonicalQuery ? `?${canonicalQuery}` : ''}`;
  return fetch(target, { headers: { 'x-amz-content-sha256': payloadHash, 'x-amz-date': now, authorization } });
}

/** An object's bytes; throws with the server's answer when it is not there. */
export async function getObject(s3: S3Access, bucket: string, key: string): Promise<Buffer> {
  const r = await signedGet(s3, bucket, key, {});
  if (!r.ok) throw new Error(`S3 GET ${bucket}/${key}: ${r.status} ${await r.text()}`);
  return Buffer.from(await r.arrayBuffer());
}

const xmlText = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Every key under a prefix (ListObjectsV2, all pages). */
export async function listKeys(s3: S3Access, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const r = await signedGet(s3, bucket, '', { 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) });
    const body = await r.text();
    if (!r.ok) throw new Error(`S3 list ${bucket}/${prefix}: ${r.status} ${body}`);
    for (const m of body.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(xmlText(m[1]!));
    token = /<IsTruncated>true<\/IsTruncated>/.test(body) ? xmlText(/<NextContinuationToken>([^<]*)</.exec(body)?.[1] ?? '') : undefined;
  } while (token);
  return keys;
}
