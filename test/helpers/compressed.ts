/** Compressed request bodies for the Content-Encoding tests. */
import { execFileSync } from 'node:child_process';
import { createGzip } from 'node:zlib';

/** `[{"message":"zstd hello 1"},{"message":"zstd hello 2"}]`, made once with `zstd -c` 1.5 */
export const ZSTD_FRAME = Buffer.from('KLUv/QRYPQEABAJbeyJtZXNzYWdlIjoienN0ZCBoZWxsbyAxIn0sMiJ9XQEAeD2dbCowqw==', 'base64');

/** gzip of `total` zero bytes, compressed chunk by chunk (the input never exists whole) */
export async function gzipBomb(total: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gz.on('data', (d: Buffer) => parts.push(d));
  const done = new Promise((r) => gz.on('end', r));
  const zeros = Buffer.alloc(1 << 20);
  for (let i = 0; i < total / zeros.length; i++) {
    if (!gz.write(zeros)) await new Promise((r) => gz.once('drain', r));
  }
  gz.end();
  await done;
  return Buffer.concat(parts);
}


/** the `zstd` CLI's output for `input` (a shell pipeline, so a 1 GiB input never exists here), or undefined without the CLI */
export function zstdCli(shellInput: string): Buffer | undefined {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return execFileSync('sh', ['-c', `${shellInput} | zstd -q -c -3`], { maxBuffer: 64 << 20 });
}
