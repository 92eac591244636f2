import type { SiteModel } from '../../config/load/model.ts';
import { inTransaction, type SqlPool } from '../runtime/connections/postgres.ts';

export interface SyncSummary {
  readonly revision: string;
  readonly sites: number;
  readonly buildings: number;
  readonly zones: number;
  readonly equipment: number;
  readonly points: number;
  readonly vendors: number;
  readonly contracts: number;
  /** False when this revision was already in the database (the sync still ran and is idempotent). */
  readonly newRevision: boolean;
}

/** Any number; serialises processes syncing at the same time. */
const SYNC_LOCK = 7_304_212;

/**
 * Writes the configuration into the registry tables in one transaction, so operational rows
 * (incidents, work orders, scores) can reference equipment, vendors and contracts by key.
 * Upserts what is configured, marks what is no longer configured as retired, deletes nothing.
 */
export async function syncRegistry(pool: SqlPool, model: SiteModel): Promise<SyncSummary> {
  return inTransaction(pool, async (client) => {
    await client.query('select pg_advisory_xact_lock($1)', [SYNC_LOCK]);
    const rows = registryRows(model);
    for (const table of TABLES) {
      const records = rows[table.name];
      await client.query(table.upsert, [JSON.stringify(records)]);
      await client.query(
        `update ${table.name} set retired_at = now()
         where retired_at is null and not (${table.key} = any($1::text[]))`,
        [records.map((record) => String(record[table.keyField]))],
      );
    }
    await client.query('delete from contract_scope');
    await client.query(
      `insert into contract_scope (contract_id, building_code, category, term)
       select s.contract_id, s.building_code, s.category, daterange(s.term_start::date, s.term_end::date, '[]')
       from jsonb_to_recordset($1::jsonb) as s(contract_id text, building_code text, category text, term_start text, term_end text)`,
      [JSON.stringify(rows.scope)],
    );
    const summary = {
      sites: rows.sites.length,
      buildings: rows.buildings.length,
      zones: rows.zones.length,
      equipment: rows.equipment.length,
      points: rows.points.length,
      vendors: rows.vendors.length,
      contracts: rows.contracts.length,
    };
    const inserted = await client.query(
      'insert into registry_revisions (revision, summary) values ($1, $2) on conflict (revision) do nothing',
      [model.revision, JSON.stringify(summary)],
    );
    return { revision: model.revision, ...summary, newRevision: inserted.rowCount === 1 };
  });
}

type Row = Record<string, unknown>;

function registryRows(model: SiteModel) {
  const buildings = [...model.buildings.values()];
  const contracts = [...model.contracts.values()];
  return {
    sites: model.sites.map(
      (site): Row => ({ id: site.id, name: site.name, region: site.region, timezone: site.timezone }),
    ),
    buildings: buildings.map(
      (b): Row => ({
        code: b.code,
        site_id: b.siteId,
        name: b.name,
        location: b.location,
        floor_area_m2: b.floorAreaM2,
        occupants: b.occupants,
      }),
    ),
    zones: buildings.flatMap((b) =>
      b.zones.map(
        (z): Row => ({ id: z.id, building_code: b.code, name: z.name, kind: z.kind, level: z.level ?? null }),
      ),
    ),
    equipment: [...model.equipment.values()].map(
      (e): Row => ({
        id: e.id,
        building_code: e.buildingCode,
        zone_id: e.zone,
        class: e.class,
        category: e.category,
        name: e.name,
        sub_metering: e.subMetering ?? null,
        parent_id: e.parent ?? null,
        tags: e.tags ?? [],
      }),
    ),
    points: [...model.points.values()].map(
      (p): Row => ({
        id: p.id,
        equipment_id: p.equipmentId,
        key: p.key,
        quantity: p.quantity,
        unit: p.unit,
        canonical_unit: p.canonicalUnit,
        kind: p.kind,
        interval_s: p.intervalS,
        min_value: p.limits.min,
        max_value: p.limits.max,
        binding: p.binding,
      }),
    ),
    vendors: [...model.vendors.values()].map(
      (v): Row => ({
        id: v.id,
        name: v.name,
        credit_code: v.creditCode,
        contacts: v.contacts,
        webhook_url: v.webhook?.url ?? null,
      }),
    ),
    contracts: contracts.map(
      (c): Row => ({
        id: c.id,
        vendor_id: c.vendor,
        lot: c.lot,
        term_start: c.term.start,
        term_end: c.term.end,
        annual_price_cny: c.annualPriceCny,
        deposit_share: c.depositShare,
        sla: c.sla,
        scoring_scheme: c.scoringScheme,
        committed_satisfaction: c.committedSatisfaction,
        energy: c.energy ?? null,
      }),
    ),
    scope: contracts.flatMap((c) =>
      c.scope.buildings.flatMap((building) =>
        c.scope.categories.map((category) => ({
          contract_id: c.id,
          building_code: building,
          category,
          term_start: c.term.start,
          term_end: c.term.end,
        })),
      ),
    ),
  };
}

type TableName = 'sites' | 'buildings' | 'zones' | 'equipment' | 'points' | 'vendors' | 'contracts';

interface TableSync {
  readonly name: TableName;
  readonly key: string;
  readonly keyField: string;
  readonly upsert: string;
}

/** Builds `insert … select from jsonb_to_recordset … on conflict do update` for one table. */
function upsertFrom(
  name: TableName,
  key: string,
  columns: Record<string, string>,
  select?: Record<string, string>,
): TableSync {
  const names = Object.keys(columns);
  const recordType = names.map((column) => `${column} ${columns[column]}`).join(', ');
  const values = names.map((column) => select?.[column] ?? `r.${column}`).join(', ');
  const updates = names
    .filter((column) => column !== key)
    .map((column) => `${column} = excluded.${column}`)
    .concat('retired_at = null')
    .join(', ');
  return {
    name,
    key,
    keyField: key,
    upsert: `insert into ${name} (${names.join(', ')}) select ${values}
             from jsonb_to_recordset($1::jsonb) as r(${recordType})
             on conflict (${key}) do update set ${updates}`,
  };
}

const TABLES: readonly TableSync[] = [
  upsertFrom('sites', 'id', { id: 'text', name: 'jsonb', region: 'text', timezone: 'text' }),
  upsertFrom('buildings', 'code', {
    code: 'text',
    site_id: 'text',
    name: 'jsonb',
    location: 'text',
    floor_area_m2: 'numeric',
    occupants: 'integer',
  }),
  upsertFrom('zones', 'id', {
    id: 'text',
    building_code: 'text',
    name: 'jsonb',
    kind: 'text',
    level: 'integer',
  }),
  upsertFrom(
    'equipment',
    'id',
    {
      id: 'text',
      building_code: 'text',
      zone_id: 'text',
      class: 'text',
      category: 'text',
      name: 'jsonb',
      sub_metering: 'text',
      parent_id: 'text',
      tags: 'jsonb',
    },
    { tags: 'array(select jsonb_array_elements_text(r.tags))' },
  ),
  upsertFrom('points', 'id', {
    id: 'text',
    equipment_id: 'text',
    key: 'text',
    quantity: 'text',
    unit: 'text',
    canonical_unit: 'text',
    kind: 'text',
    interval_s: 'double precision',
    min_value: 'double precision',
    max_value: 'double precision',
    binding: 'jsonb',
  }),
  upsertFrom('vendors', 'id', {
    id: 'text',
    name: 'jsonb',
    credit_code: 'text',
    contacts: 'jsonb',
    webhook_url: 'text',
  }),
  {
    name: 'contracts',
    key: 'id',
    keyField: 'id',
    upsert: `insert into contracts (id, vendor_id, lot, term, annual_price_cny, deposit_share, sla, scoring_scheme,
               committed_satisfaction, energy)
             select r.id, r.vendor_id, r.lot, daterange(r.term_start::date, r.term_end::date, '[]'), r.annual_price_cny,
               r.deposit_share, r.sla, r.scoring_scheme, r.committed_satisfaction, r.energy
             from jsonb_to_recordset($1::jsonb) as r(id text, vendor_id text, lot jsonb, term_start text, term_end text,
               annual_price_cny numeric, deposit_share numeric, sla jsonb, scoring_scheme text,
               committed_satisfaction numeric, energy jsonb)
             on conflict (id) do update set vendor_id = excluded.vendor_id, lot = excluded.lot, term = excluded.term,
               annual_price_cny = excluded.annual_price_cny, deposit_share = excluded.deposit_share, sla = excluded.sla,
               scoring_scheme = excluded.scoring_scheme, committed_satisfaction = excluded.committed_satisfaction,
               energy = excluded.energy, retired_at = null`,
  },
];
