import type { SourceOwnership } from '../../core/index.ts';

/**
 * What the audit decoders produce (normalize.ts, eks-authenticator.ts, aks.ts), so what a receiver
 * using them (the webhook, `argus ingest`) owns: no other receiver may write these sources or keys.
 */
export const K8S_AUDIT_OWNERSHIP: SourceOwnership = {
  sources: ['k8s_audit', 'eks_authenticator', 'aks_control_plane'],
  keyPrefixes: ['k8s_audit:', 'eks_authenticator:'],
};
