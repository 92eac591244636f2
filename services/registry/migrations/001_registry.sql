-- The point registry and the commercial model, synced from the configuration files at start.
-- Rows are never deleted: what leaves the configuration is marked retired, because incidents,
-- work orders and scores keep referring to it.

create extension if not exists btree_gist;

create table registry_revisions (
  revision text primary key,
  loaded_at timestamptz not null default now(),
  summary jsonb not null
);

create table sites (
  id text primary key,
  name jsonb not null,
  region text not null,
  timezone text not null,
  retired_at timestamptz
);

create table buildings (
  code text primary key check (code ~ '^[1-9][0-9]{5}[A-H][0-9]{3}$'),
  site_id text not null references sites (id),
  name jsonb not null,
  location text not null check (location in ('compound', 'outside')),
  floor_area_m2 numeric not null check (floor_area_m2 > 0),
  occupants integer not null check (occupants >= 0),
  retired_at timestamptz
);

create table zones (
  id text primary key,
  building_code text not null references buildings (code),
  name jsonb not null,
  kind text not null,
  level integer,
  retired_at timestamptz
);

create table equipment (
  id text primary key,
  building_code text not null references buildings (code),
  zone_id text not null references zones (id),
  class text not null,
  category text not null,
  name jsonb not null,
  sub_metering text,
  parent_id text references equipment (id) deferrable initially deferred,
  tags text[] not null default '{}',
  retired_at timestamptz
);
create index equipment_building on equipment (building_code);

create table points (
  id text primary key,
  equipment_id text not null references equipment (id),
  key text not null,
  quantity text not null,
  unit text not null,
  canonical_unit text not null,
  kind text not null,
  interval_s double precision not null check (interval_s > 0),
  min_value double precision not null,
  max_value double precision not null check (min_value < max_value),
  binding jsonb not null,
  retired_at timestamptz,
  unique (equipment_id, key)
);

create table vendors (
  id text primary key,
  name jsonb not null,
  credit_code text not null unique,
  contacts jsonb not null,
  webhook_url text,
  retired_at timestamptz
);

create table contracts (
  id text primary key,
  vendor_id text not null references vendors (id),
  lot jsonb not null,
  term daterange not null,
  annual_price_cny numeric not null check (annual_price_cny > 0),
  deposit_share numeric not null check (deposit_share between 0 and 1),
  sla jsonb not null,
  scoring_scheme text not null,
  committed_satisfaction numeric not null check (committed_satisfaction between 0 and 1),
  energy jsonb,
  retired_at timestamptz
);

-- One management area, one vendor per service: the database refuses overlapping scopes too.
create table contract_scope (
  contract_id text not null references contracts (id),
  building_code text not null references buildings (code),
  category text not null,
  term daterange not null,
  primary key (contract_id, building_code, category),
  exclude using gist (building_code with =, category with =, term with &&) deferrable initially deferred
);
