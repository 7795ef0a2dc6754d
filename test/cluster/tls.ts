/** A self-signed serving certificate for 127.0.0.1/localhost (kubectl only sends tokens over HTTPS). */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

export interface ServingCert { readonly key: string; readonly cert: string }

export async function selfSignedCert(dir: string, host: string): Promise<ServingCert> {
  const keyFile = path.join(dir, 'apiserver.key');
  const certFile = path.join(dir, 'apiserver.crt');
  const san = /^[0-9.]+$/.test(host) ? `IP:${host},DNS:localhost` : `DNS:${host},DNS:localhost,IP:127.0.0.1`;
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30',
    '-subj', '/CN=bespin-test-cluster', '-addext', `subjectAltName=${san}`,
    '-keyout', keyFile, '-out', certFile,
  ]).catch((error: Error) => { throw new Error(`cannot make the test cluster's TLS certificate with openssl: ${error.message}`); });
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
}
