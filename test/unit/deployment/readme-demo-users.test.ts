import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/load/load-config.ts';
import { demoUsers } from '../../../services/accounts/index.ts';
import { repoRoot, sampleConfigDir } from '../../helpers/config-fixture.ts';

describe('the README', () => {
  it('lists every demo user with the password demo mode seeds', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    for (const user of demoUsers(loadConfig(sampleConfigDir))) {
      expect(readme).toMatch(new RegExp(`\\| \`${user.username}\` +\\| \`${user.password}\` +\\|`));
    }
  });
});
