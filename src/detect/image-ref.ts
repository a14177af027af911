/**
 * Container image references, normalised the way container runtimes resolve them
 * (distribution/reference ParseNormalizedNamed): `nginx:1.25` is `docker.io/library/nginx`,
 * `user/app` is `docker.io/user/app`, `index.docker.io/...` is `docker.io/...`; the first
 * component is a registry host only when it has a `.` or a `:` or is `localhost`
 * (`localhost:5000/x` keeps its host). Tag and digest are dropped; the host is lower-cased.
 * Registry entries (`registry.k8s.io`, `docker.io/library`, `registry.corp.example/team/`) match
 * on the host exactly and on whole path components: `registry.corp.example` does not cover
 * `registry.corp.example.evil.io/x` nor `registry.corp.example-evil/x`, and
 * `docker.io/library` does not cover `docker.io/library-fake/x`.
 */

export interface ImageRepo {
  host: string;
  /** repository path without tag or digest: `library/nginx` */
  path: string;
}

const DOCKER_HUB = 'docker.io';

function normHost(h: string): string {
  const l = h.toLowerCase();
  return l === 'index.docker.io' || l === 'registry-1.docker.io' ? DOCKER_HUB : l;
}

function isHost(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first;
}

/** Host and repository path of an image reference; undefined for an empty one. */
export function parseImage(ref: string): ImageRepo | undefined {
  let s = ref.trim();
  const at = s.indexOf('@');
  if (at >= 0) s = s.slice(0, at);
  const slash = s.indexOf('/');
  let host = DOCKER_HUB;
  let path = s;
  if (slash >= 0 && isHost(s.slice(0, slash))) {
    host = normHost(s.slice(0, slash));
    path = s.slice(slash + 1);
  }
  const colon = path.lastIndexOf(':');
  if (colon >= 0 && path.indexOf('/', colon) < 0) path = path.slice(0, colon);
  if (path === '') return undefined;
  if (host === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  return { host, path };
}

/** `docker.io/library/nginx` for `nginx:1.25`; the text itself when it is not an image name. */
export function normalizeImage(ref: string): string {
  const r = parseImage(ref);
  return r ? `${r.host}/${r.path}` : ref;
}

/**
 * "Every image is under one of these registries": entries are `host` or `host/path` (trailing
 * `/` ignored), parsed once; matching does no regex work.
 */
export function registrySet(entries: readonly string[]): (image: string) => boolean {
  const byHost = new Map<string, string[]>();
  for (const e of entries) {
    const t = e.trim().replace(/\/+$/, '');
    if (t === '') continue;
    const slash = t.indexOf('/');
    const host = normHost(slash >= 0 ? t.slice(0, slash) : t);
    const path = slash >= 0 ? t.slice(slash + 1) : '';
    const list = byHost.get(host) ?? [];
    list.push(path);
    byHost.set(host, list);
  }
  return (image) => {
    const r = parseImage(image);
    if (!r) return false;
    const paths = byHost.get(r.host);
    if (!paths) return false;
    for (const p of paths) {
      if (p === '' || r.path === p || (r.path.startsWith(p) && r.path.charCodeAt(p.length) === 47)) return true;
    }
    return false;
  };
}
