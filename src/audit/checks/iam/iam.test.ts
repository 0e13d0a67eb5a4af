import { describe } from 'vitest';
import { runAllCases } from '../../lib/check-cases.js';
import { CREDENTIAL_CASES } from './credentials.cases.js';
import { IAM_CASES } from './iam.cases.js';
import { IAM_CHECKS } from './index.js';

describe('iam checks', () => {
  runAllCases(IAM_CHECKS, { ...CREDENTIAL_CASES, ...IAM_CASES });
});
