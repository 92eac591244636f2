-- Incident events the dispatcher parked (搁置): handling one failed for a reason of its own (bad
-- data, a bug, a constraint) on every attempt, so the cursor was moved past it, in the same
-- transaction as this row, rather than hold every later incident back. Append-only: the event
-- stays in incident_events, a person reads this list, removes the cause and re-dispatches it
-- (`WorkOrderDispatcher.redispatchParked`); whether that made an order is read from
-- work_order_incidents (activation_event_id), not written back here.
create table work_order_parked_events (
  id bigint generated always as identity primary key,
  -- The cursor (work_order_cursors.consumer) that passed over the event.
  consumer text not null,
  event_id bigint not null references incident_events (id),
  incident_id bigint not null references incidents (id),
  event_kind text not null,
  -- The last failure's code (SQLSTATE, or a typed error's code) when it had one, and its message.
  error_code text,
  error_message text not null,
  -- Attempts of the parking process before it gave up.
  attempts integer not null check (attempts >= 1),
  parked_at timestamptz not null
);
-- A cursor moved back (a redelivery) may park the same event again: one more row, never an update.
create index work_order_parked_events_by_event on work_order_parked_events (event_id, id desc);
