-- Work orders (工单): incidents dispatched to the vendor whose contract covers them, with the SLA
-- computed from the append-only transition history (services/workorders/domain). The row of
-- work_orders is a snapshot for listing and locking; work_order_transitions is the truth.

create table work_orders (
  id bigint generated always as identity primary key,
  state text not null check (state in
    ('created', 'dispatched', 'accepted', 'on_site', 'paused', 'resolved', 'verified', 'closed', 'rejected', 'cancelled')),
  building_code text not null references buildings (code),
  category text not null,
  severity text not null check (severity in ('critical', 'major', 'minor', 'warning')),
  sla_profile text,
  -- The domain's Route at creation: { kind: 'contract', … } or { kind: 'office_queue', reason, … }.
  route jsonb not null,
  -- Set while the order sits in the facilities office's own queue (no single contract in force covers it).
  office_queue_reason text,
  -- Daily group of minor orders: contract, building, category and site date.
  group_key text,
  -- The current (or, while rejected, the last) assignment; null until first dispatched.
  vendor_id text references vendors (id),
  contract_id text references contracts (id),
  -- The domain's WorkOrder as of the latest transition (pending pause, paused-from, assignment with frozen SLA).
  snapshot jsonb not null,
  -- The next instant the SLA timer must look at this order (deadline + 1 ms); null when nothing runs.
  next_check_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  closed_at timestamptz
);
create index work_orders_by_vendor on work_orders (vendor_id, state, updated_at desc);
create index work_orders_open on work_orders (state, updated_at desc) where state not in ('closed', 'cancelled');
create index work_orders_timers on work_orders (next_check_at) where next_check_at is not null;
-- One open order per daily group: later minor incidents join it.
create unique index work_orders_one_open_group on work_orders (group_key)
  where group_key is not null and state not in ('resolved', 'verified', 'closed', 'cancelled');

-- The incidents behind an order. `activation` tells apart the episodes of one incident row (it is
-- re-activated instead of duplicated): the incident event id that opened or re-opened it.
create table work_order_incidents (
  order_id bigint not null references work_orders (id),
  incident_id bigint not null references incidents (id),
  activation_event_id bigint not null references incident_events (id),
  linked_at timestamptz not null,
  primary key (order_id, incident_id, activation_event_id)
);
-- An incident episode becomes at most one order, however often its event is delivered.
create unique index work_order_incidents_once on work_order_incidents (activation_event_id);
create index work_order_incidents_by_incident on work_order_incidents (incident_id, linked_at desc);

-- Every transition: who, when, from, to, why (the domain's TransitionRecord in `record`).
create table work_order_transitions (
  id bigint generated always as identity primary key,
  order_id bigint not null references work_orders (id),
  seq integer not null check (seq >= 1),
  action text not null,
  from_state text,
  to_state text not null,
  at timestamptz not null,
  actor_role text not null,
  actor_user text,
  actor_vendor text,
  reason text,
  record jsonb not null,
  recorded_at timestamptz not null,
  unique (order_id, seq)
);

-- SLA breaches (超时): one per order, leg and target, recorded once with the minutes over at detection.
create table sla_events (
  id bigint generated always as identity primary key,
  order_id bigint not null references work_orders (id),
  leg integer not null check (leg >= 0),
  target text not null check (target in ('accept', 'arrive', 'resolve')),
  vendor_id text not null references vendors (id),
  contract_id text not null references contracts (id),
  severity text not null,
  category text not null,
  deadline timestamptz not null,
  detected_at timestamptz not null,
  minutes_over double precision not null check (minutes_over >= 0),
  provisional boolean not null default false,
  unique (order_id, leg, target)
);
create index sla_events_by_vendor on sla_events (vendor_id, deadline);

-- Notes and attachment references added by vendors and managers.
create table work_order_notes (
  id bigint generated always as identity primary key,
  order_id bigint not null references work_orders (id),
  at timestamptz not null,
  actor_role text not null,
  actor_user text,
  actor_vendor text,
  kind text not null check (kind in ('note', 'comment', 'resolution')),
  body text not null check (length(body) between 1 and 4000),
  -- [{ name, uri, sha256? }]: references to files kept elsewhere, never the bytes.
  attachments jsonb not null default '[]' check (jsonb_typeof(attachments) = 'array')
);
create index work_order_notes_by_order on work_order_notes (order_id, id);

-- How far the dispatcher has read incident_events (the outbox it consumes), per consumer.
create table work_order_cursors (
  consumer text primary key,
  last_event_id bigint not null default 0
);

-- The history is evidence for vendor scoring: transitions, breaches and notes are append-only.
create function work_orders_append_only() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name;
end;
$$;
create trigger work_order_transitions_append_only before update or delete on work_order_transitions
  for each row execute function work_orders_append_only();
create trigger sla_events_append_only before update or delete on sla_events
  for each row execute function work_orders_append_only();
create trigger work_order_notes_append_only before update or delete on work_order_notes
  for each row execute function work_orders_append_only();
