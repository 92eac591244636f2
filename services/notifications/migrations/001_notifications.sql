-- Webhook deliveries (services/notifications): one row per HTTP attempt of a signed work-order
-- event to a vendor's endpoint, whatever came of it. It is what the facilities office shows a
-- vendor who says "we were never told", so rows are never changed or deleted.

create table webhook_deliveries (
  id bigint generated always as identity primary key,
  -- X-Steward-Delivery: the same on every attempt of one event for one vendor.
  delivery_id text not null,
  vendor_id text not null references vendors (id),
  -- X-Steward-Event, e.g. workorder.dispatch.
  event text not null,
  -- The work order, by key only: notifications do not reach into the work-order tables.
  order_id text,
  attempt integer not null check (attempt >= 1),
  -- Null when the vendor had no usable endpoint by the time the attempt ran.
  url text,
  -- delivered: 2xx. retrying: failed, another attempt is scheduled. failed: no more attempts.
  outcome text not null check (outcome in ('delivered', 'retrying', 'failed')),
  -- The receiver's HTTP status; null when no answer came.
  status_code integer check (status_code between 100 and 599),
  -- Network error, timeout, or the start of a refusal's body.
  error text,
  duration_ms double precision not null check (duration_ms >= 0),
  at timestamptz not null,
  check (outcome <> 'delivered' or (status_code between 200 and 299 and error is null)),
  check (outcome = 'delivered' or error is not null)
);
create index webhook_deliveries_by_vendor on webhook_deliveries (vendor_id, at desc, id desc);
create index webhook_deliveries_by_delivery on webhook_deliveries (delivery_id, attempt);
create index webhook_deliveries_by_order on webhook_deliveries (order_id, at desc) where order_id is not null;

create function webhook_deliveries_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'webhook_deliveries is append-only';
end;
$$;
create trigger webhook_deliveries_append_only before update or delete on webhook_deliveries
  for each row execute function webhook_deliveries_append_only();
-- A row trigger does not see truncate; this one does.
create trigger webhook_deliveries_no_truncate before truncate on webhook_deliveries
  for each statement execute function webhook_deliveries_append_only();
