-- People who use the API and the dashboards, their sessions, and every login attempt.
-- Passwords are kept only as scrypt hashes (`scrypt$N$r$p$salt$hash`, see passwords.ts) and
-- session tokens only as the SHA-256 of the random token, so a copy of these tables logs nobody in.

create table users (
  id uuid primary key default gen_random_uuid(),
  username text not null check (username ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
  display_name text not null check (length(display_name) between 1 and 100),
  role text not null check (role in ('operator', 'vendor_user', 'facilities_manager', 'administrator', 'auditor')),
  -- A vendor user is bound to exactly one vendor; nobody else is bound to one.
  vendor_id text references vendors (id),
  password_hash text not null check (password_hash like 'scrypt$%'),
  -- Consecutive failed logins since the last success or the last lockout.
  failed_attempts integer not null default 0 check (failed_attempts >= 0),
  locked_until timestamptz,
  disabled boolean not null default false,
  created_at timestamptz not null,
  constraint users_vendor_scope check ((role = 'vendor_user') = (vendor_id is not null))
);

-- Usernames are matched without regard to case: `Operator` and `operator` are one account.
create unique index users_username_unique on users (lower(username));
create index users_vendor on users (vendor_id) where vendor_id is not null;

create table sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id),
  -- SHA-256 of the 32 random bytes of the token; the token itself is never stored.
  token_hash bytea not null unique check (length(token_hash) = 32),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  check (expires_at > created_at)
);

create index sessions_live_of_user on sessions (user_id) where revoked_at is null;

-- Every login attempt, whatever its outcome: the audit trail of who tried to get in, and from where.
create table login_events (
  id bigint generated always as identity primary key,
  at timestamptz not null,
  -- As typed (bounded), also when no such user exists.
  username text not null check (length(username) <= 200),
  user_id uuid references users (id),
  outcome text not null check (outcome in ('success', 'bad_password', 'locked_out', 'locked', 'unknown_user', 'disabled')),
  ip text check (length(ip) <= 100)
);

create index login_events_user_at on login_events (user_id, at);
create index login_events_at on login_events (at);

create function login_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'login_events is append-only';
end;
$$;
create trigger login_events_append_only before update or delete on login_events
  for each row execute function login_events_append_only();
