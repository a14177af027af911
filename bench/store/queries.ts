/** The store benchmark's fixed query set (also used by query-only runs). */
export const QUERIES: { name: string; q: string; grep?: string }[] = [
  { name: 'field match', q: 'verb:delete AND resource:secrets', grep: `grep -c -E '"verb":"delete".*"resource":"secrets"'` },
  { name: 'full text', q: '"connection refused"', grep: `grep -c -i 'connection refused'` },
  { name: 'wildcard + NOT', q: 'namespace:payments AND NOT user:system:* AND code>=400', grep: `grep -c -E '"namespace":"payments"' ` },
  { name: 'stats by user', q: 'source:k8s_audit | stats count() by user | sort -count | head 10' },
  { name: 'errors by namespace', q: 'severityText:ERROR | stats count() by namespace, pod' },
  { name: 'timechart', q: 'source:container | timechart span=1h count() by namespace' },
  { name: 'attrs path', q: 'attrs.objectRef.name:db-credentials', grep: `grep -c '"name":"db-credentials"'` },
  { name: 'exec recent', q: 'subresource:exec | head 20', grep: `grep -c '"subresource":"exec"'` },
];
