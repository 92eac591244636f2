-- Energy performance contracts (合同能源管理): the baseline frozen for each contract and the
-- non-routine adjustments of its baseline. Both tables are append-only, because a settlement
-- must be reproducible: a baseline is frozen once, and an adjustment is corrected by a new row
-- that supersedes it, never by an edit. Every row says who made it and when.

create table energy_baselines (
  contract_id text primary key references contracts (id),
  -- The baseline period fixed at signing, both dates included.
  period_from date not null,
  period_to date not null check (period_to >= period_from),
  -- The physical meters summed, as [{ "meterId": …, "sign": 1 }].
  meters jsonb not null check (jsonb_typeof(meters) = 'array'),
  -- BaselineModel (services/energy/baseline/model.ts) and the fit's sufficiency and candidates.
  model jsonb not null check (jsonb_typeof(model) = 'object'),
  fit jsonb not null check (jsonb_typeof(fit) = 'object'),
  -- The configuration revision the baseline was fitted under.
  config_revision text not null,
  frozen_at timestamptz not null,
  frozen_by text not null check (length(btrim(frozen_by)) between 1 and 200)
);

create table energy_adjustments (
  contract_id text not null references contracts (id),
  adjustment_id text not null check (length(adjustment_id) between 1 and 64),
  from_date date not null,
  to_date date not null check (to_date >= from_date),
  -- kWh over the whole range; positive raises the adjusted baseline.
  kwh double precision not null check (kwh <> 'NaN'::double precision and abs(kwh) < 'infinity'::double precision),
  reason text not null check (length(btrim(reason)) between 1 and 2000),
  author text not null check (length(btrim(author)) between 1 and 200),
  recorded_at timestamptz not null,
  -- A correction names the adjustment it replaces; the replaced one stays, visibly superseded.
  supersedes text,
  primary key (contract_id, adjustment_id),
  foreign key (contract_id, supersedes) references energy_adjustments (contract_id, adjustment_id)
);

-- An adjustment is superseded at most once, so the effective set is a simple chain end.
create unique index energy_adjustments_supersedes on energy_adjustments (contract_id, supersedes)
  where supersedes is not null;

create function energy_append_only() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name;
end;
$$;
create trigger energy_baselines_append_only before update or delete on energy_baselines
  for each row execute function energy_append_only();
create trigger energy_adjustments_append_only before update or delete on energy_adjustments
  for each row execute function energy_append_only();
