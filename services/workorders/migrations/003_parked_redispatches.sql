-- Each re-dispatch of a parked event by a person (`steward workorders redispatch`), and what it
-- came to. A re-dispatched event is no longer waiting, whatever the outcome: one whose episode
-- another event linked meanwhile (`duplicate`), or that opens no episode (`ignored`), has nothing
-- left to do, and without this row it would be listed as waiting for ever. Append-only.
create table work_order_parked_redispatches (
  id bigint generated always as identity primary key,
  consumer text not null,
  event_id bigint not null references incident_events (id),
  outcome text not null check (outcome in ('created', 'office_queue', 'joined', 'reopened', 'ignored', 'duplicate')),
  -- The order the event is linked to after it, when there is one.
  order_id bigint references work_orders (id),
  redispatched_at timestamptz not null
);
create index work_order_parked_redispatches_by_event on work_order_parked_redispatches (event_id, id desc);

create trigger work_order_parked_redispatches_append_only before update or delete on work_order_parked_redispatches
  for each row execute function work_orders_append_only();
