import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load/load-config.ts';
import { syncRegistry } from '../../services/registry/sync.ts';
import { MIGRATION_SOURCES, MigrationError, migrate } from '../../services/runtime/migrations.ts';
import { ConfigFixture, sampleConfigDir } from '../helpers/config-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stack.ts';

describe('migrations and the registry on a real PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('applies every migration once, also when two processes migrate at the same time', async () => {
    const second = await createTestDatabase();
    try {
      const [a, b] = await Promise.all([migrate(second.pool), migrate(second.pool)]);
      const { rows } = await second.pool.query<{ owner: string }>('select owner from steward_migrations');
      expect(rows.length).toBeGreaterThanOrEqual(MIGRATION_SOURCES.length);
      // The advisory lock makes one migrator do all the work and the other find nothing to do.
      expect([a.length, b.length].sort((x, y) => x - y)).toEqual([0, rows.length]);
      expect(await migrate(second.pool)).toEqual([]);
    } finally {
      await second.drop();
    }
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'steward-migrations-'));
    try {
      writeFileSync(path.join(dir, '001_first.sql'), 'create table edited_probe (id int);');
      const source = [{ owner: 'probe', dir }];
      expect(await migrate(db.pool, source)).toHaveLength(1);
      writeFileSync(path.join(dir, '001_first.sql'), 'create table edited_probe (id bigint);');
      await expect(migrate(db.pool, source)).rejects.toMatchObject({ code: 'MIGRATION_CHANGED' });
      await expect(migrate(db.pool, source)).rejects.toBeInstanceOf(MigrationError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('syncs the sample configuration into the registry tables, idempotently', async () => {
    await migrate(db.pool);
    const model = loadConfig(sampleConfigDir);
    const first = await syncRegistry(db.pool, model);
    expect(first).toMatchObject({
      equipment: model.equipment.size,
      points: model.points.size,
      newRevision: true,
    });
    const second = await syncRegistry(db.pool, model);
    expect(second.newRevision).toBe(false);
    const { rows } = await db.pool.query<{ n: string }>(
      'select count(*) as n from points where retired_at is null',
    );
    expect(Number(rows[0]?.n)).toBe(model.points.size);
    const scope = await db.pool.query<{ n: string }>('select count(*) as n from contract_scope');
    const expected = [...model.contracts.values()].reduce(
      (sum, c) => sum + c.scope.buildings.length * c.scope.categories.length,
      0,
    );
    expect(Number(scope.rows[0]?.n)).toBe(expected);
  });

  it('retires what leaves the configuration instead of deleting it, and revives it when it returns', async () => {
    await migrate(db.pool);
    const fixture = new ConfigFixture();
    try {
      const removed = [...loadConfig(sampleConfigDir).equipment.values()].find(
        (item) => item.buildingCode === '330302A005' && item.class === 'cctv_camera',
      );
      if (!removed) throw new Error('sample has no camera in 330302A005');
      const removedId = removed.id;
      fixture.edit('equipment/330302A005.yaml', (d) => {
        const items = d.toJS().equipment as { id: string }[];
        d.deleteIn(['equipment', items.findIndex((item) => item.id === removedId)]);
      });
      if ('mqtt' in removed.source) {
        const device = removed.source.mqtt.device;
        fixture.edit('device-credentials.yaml', (d) => {
          const entries = d.toJS().devices as { device: string }[];
          d.deleteIn(['devices', entries.findIndex((entry) => entry.device === device)]);
        });
      }
      await syncRegistry(db.pool, loadConfig(fixture.dir));
      const retired = await db.pool.query('select retired_at from equipment where id = $1', [removedId]);
      expect(retired.rows[0]?.retired_at).toBeInstanceOf(Date);
      const points = await db.pool.query(
        'select count(*)::int as n from points where equipment_id = $1 and retired_at is null',
        [removedId],
      );
      expect(points.rows[0]?.n).toBe(0);
      await syncRegistry(db.pool, loadConfig(sampleConfigDir));
      const revived = await db.pool.query('select retired_at from equipment where id = $1', [removedId]);
      expect(revived.rows[0]?.retired_at).toBeNull();
    } finally {
      fixture.dispose();
    }
  });

  it('refuses overlapping contract scopes in the database itself', async () => {
    await migrate(db.pool);
    await syncRegistry(db.pool, loadConfig(sampleConfigDir));
    const { rows } = await db.pool.query<{ contract_id: string; building_code: string; category: string }>(
      'select contract_id, building_code, category from contract_scope limit 1',
    );
    const existing = rows[0];
    if (!existing) throw new Error('sample has no contract scope');
    const other = await db.pool.query<{ id: string }>('select id from contracts where id <> $1 limit 1', [
      existing.contract_id,
    ]);
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `insert into contract_scope (contract_id, building_code, category, term)
         values ($1, $2, $3, daterange('2025-06-01', '2025-07-01'))`,
        [other.rows[0]?.id, existing.building_code, existing.category],
      );
      await expect(client.query('commit')).rejects.toMatchObject({ code: '23P01' });
    } finally {
      await client.query('rollback').catch(() => undefined);
      client.release();
    }
  });
});
