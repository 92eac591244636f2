-- Incidents raised by the rule workers: one row per (rule, equipment) while open, re-triggers
-- and re-activations update that row. Rows are never deleted; incident_events is append-only.

create table incidents (
  id bigint generated always as identity primary key,
  rule_id text not null,
  rule_version integer not null check (rule_version >= 1),
  equipment_id text not null references equipment (id),
  building_code text not null references buildings (code),
  category text not null,
  severity text not null check (severity in ('critical', 'major', 'minor', 'warning')),
  state text not null check (state in ('active', 'acknowledged', 'cleared', 'closed')),
  title jsonb not null check (jsonb_typeof(title) = 'object' and title ? 'zh-CN' and title ? 'en'),
  first_seen timestamptz not null,
  last_seen timestamptz not null check (last_seen >= first_seen),
  activated_at timestamptz not null,
  acknowledged_at timestamptz,
  acknowledged_by text,
  cleared_at timestamptz,
  closed_at timestamptz,
  closed_by text,
  occurrences integer not null default 1 check (occurrences >= 1),
  trigger_value double precision,
  peak_value double precision,
  evidence jsonb not null default '{}',
  -- The rule's window at the last fire; the sweep closes cleared incidents once it has passed.
  reactivation_window_s integer not null check (reactivation_window_s >= 0),
  created_at timestamptz not null,
  check ((state = 'closed') = (closed_at is not null)),
  check ((state = 'cleared') <= (cleared_at is not null)),
  check ((acknowledged_at is null) = (acknowledged_by is null))
);

-- The rule in the issue: one open incident per (rule, equipment). Two workers racing on the same
-- pair are serialised by an advisory lock in the code; this index is the last line of defence.
create unique index incidents_one_open on incidents (rule_id, equipment_id) where state <> 'closed';
create index incidents_open_by_building on incidents (building_code, category) where state <> 'closed';
create index incidents_pair_history on incidents (rule_id, equipment_id, created_at desc);

create table incident_events (
  id bigint generated always as identity primary key,
  incident_id bigint not null references incidents (id),
  at timestamptz not null,
  kind text not null check (kind in ('fired', 'refired', 'acknowledged', 'cleared', 'reactivated', 'closed')),
  actor text not null,
  detail jsonb not null default '{}',
  -- Fires and clears carry `fire|clear:<rule>:<equipment>:<instant>`, so a redelivered message
  -- finds its own earlier event and changes nothing. Human actions carry none.
  delivery_key text unique,
  recorded_at timestamptz not null
);
create index incident_events_by_incident on incident_events (incident_id, id);

-- Append-only: the history of an incident is evidence for vendor scoring and audits.
create function incident_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'incident_events is append-only';
end;
$$;
create trigger incident_events_append_only before update or delete on incident_events
  for each row execute function incident_events_append_only();
