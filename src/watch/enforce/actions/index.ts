import type { ActionId } from '../config.js';
import { deactivateAccessKey } from './deactivate-access-key.js';
import { putPublicAccessBlock } from './put-public-access-block.js';
import { revokePublicIngress } from './revoke-public-ingress.js';
import { startLogging } from './start-logging.js';
import type { EnforcementAction } from './types.js';

export type { EnforcementAction, Target } from './types.js';

export const ACTIONS: Record<ActionId, EnforcementAction> = {
  'revoke-public-ingress': revokePublicIngress,
  'start-logging': startLogging,
  'deactivate-access-key': deactivateAccessKey,
  'put-public-access-block': putPublicAccessBlock,
};
