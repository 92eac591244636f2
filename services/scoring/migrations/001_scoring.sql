-- Vendor evaluation (考核评价): the manual inputs of the 百分制 scores, appeals, closed monthly
-- scorecards and the hash-chained audit log. Every table is append-only: a correction is a new row
-- (an outcome, a conclusion, a decision, a new scorecard revision), never an edit, so a closed
-- month recomputes from these rows to the same bytes. Work orders and incidents are read through
-- their services' functions, never from here.

-- Inspections (每天巡检, 每周联检, 每月考核, 抽检) and their findings (一般问题 / 重大问题).
create table scoring_inspections (
  id bigint generated always as identity primary key,
  contract_id text not null references contracts (id),
  kind text not null check (kind in ('daily_patrol', 'weekly_joint', 'monthly_assessment', 'spot_check')),
  conducted_at timestamptz not null,
  -- The input as entered (summary, findings with their evidence), checked against InspectionInput.
  body jsonb not null,
  recorded_by jsonb not null,
  recorded_at timestamptz not null
);
create index scoring_inspections_by_contract on scoring_inspections (contract_id, conducted_at);
create index scoring_inspections_by_time on scoring_inspections (conducted_at);

-- 整改通知 with its deadline; a re-issued notice names the failed one it follows.
create table scoring_rectification_notices (
  id bigint generated always as identity primary key,
  contract_id text not null references contracts (id),
  issued_at timestamptz not null,
  deadline timestamptz not null check (deadline >= issued_at),
  follows_notice_id bigint references scoring_rectification_notices (id),
  body jsonb not null,
  recorded_by jsonb not null,
  recorded_at timestamptz not null
);
create index scoring_notices_by_contract on scoring_rectification_notices (contract_id, issued_at);

-- The outcome of a notice, checked once.
create table scoring_rectification_outcomes (
  notice_id bigint primary key references scoring_rectification_notices (id),
  outcome text not null check (outcome in ('passed', 'failed')),
  checked_at timestamptz not null,
  body jsonb not null,
  recorded_by jsonb not null,
  recorded_at timestamptz not null
);

-- 受理投诉 …
create table scoring_complaints (
  id bigint generated always as identity primary key,
  contract_id text not null references contracts (id),
  received_at timestamptz not null,
  body jsonb not null,
  recorded_by jsonb not null,
  recorded_at timestamptz not null
);
create index scoring_complaints_by_contract on scoring_complaints (contract_id, received_at);

-- … 调查取证 → 责任追究: the investigation's result, once.
create table scoring_complaint_conclusions (
  complaint_id bigint primary key references scoring_complaints (id),
  result text not null check (result in ('verified', 'unfounded')),
  concluded_at timestamptz not null,
  body jsonb not null,
  recorded_by jsonb not null,
  recorded_at timestamptz not null
);

-- 表扬, 创新, 经验推广 (bonus points).
create table scoring_commendations (
  id bigint generated always as identity primary key,
  contract_id text not null references contracts (id),
  kind text not null check (kind in ('commendation', 'innovation', 'promoted_practice')),
  awarded_at timestamptz not null,
  body jsonb not null,
  recorded_by jsonb not null,
  recorded_at timestamptz not null
);
create index scoring_commendations_by_contract on scoring_commendations (contract_id, awarded_at);

-- 满意度测评: ratings per service item, questionnaires out and back, comments.
create table scoring_surveys (
  id bigint generated always as identity primary key,
  contract_id text not null references contracts (id),
  conducted_on date not null,
  body jsonb not null,
  recorded_by jsonb not null,
  recorded_at timestamptz not null
);
create index scoring_surveys_by_contract on scoring_surveys (contract_id, conducted_on);

-- 局领导每半年综合考核: one score per contract and half year.
create table scoring_leadership_reviews (
  id bigint generated always as identity primary key,
  contract_id text not null references contracts (id),
  half text not null check (half ~ '^[0-9]{4}-H[12]$'),
  score numeric not null check (score between 0 and 100),
  body jsonb not null,
  recorded_by jsonb not null,
  recorded_at timestamptz not null,
  unique (contract_id, half)
);

-- A vendor's appeal against one deduction line of a closed month: one per line.
create table scoring_appeals (
  id bigint generated always as identity primary key,
  contract_id text not null references contracts (id),
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  line_id text not null,
  body jsonb not null,
  recorded_by jsonb not null,
  recorded_at timestamptz not null,
  unique (contract_id, month, line_id)
);

-- The manager's decision, once.
create table scoring_appeal_decisions (
  appeal_id bigint primary key references scoring_appeals (id),
  outcome text not null check (outcome in ('upheld', 'overturned')),
  body jsonb not null,
  recorded_by jsonb not null,
  recorded_at timestamptz not null
);

-- Closed monthly scorecards. Revision 1 is the close; each appeal decision adds the next. The
-- texts are canonical JSON, kept as text (jsonb would reorder keys and normalise numbers): the
-- scheme and contract terms the scorecard was computed with (a recomputation uses these, not the
-- configuration of the day) and the scorecard itself.
create table scoring_scorecards (
  contract_id text not null references contracts (id),
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  revision integer not null check (revision >= 1),
  reason text not null check (reason in ('close', 'appeal_decision')),
  -- Inputs recorded up to this instant (appeals and decisions included) made this revision.
  as_of timestamptz not null,
  terms text not null,
  scorecard text not null,
  scorecard_sha256 text not null check (scorecard_sha256 ~ '^[0-9a-f]{64}$'),
  total numeric not null,
  grade text not null,
  audit_seq bigint not null,
  primary key (contract_id, month, revision)
);
create index scoring_scorecards_by_month on scoring_scorecards (month, contract_id, revision desc);

-- Everything that changes a score, hash-chained: hash = sha256(prev_hash || '\n' || canonical row),
-- the canonical row being the JSON of { actor, atMs, body, kind, seq, subject } with sorted keys.
-- `actor` and `body` are kept as the canonical text that was hashed.
create table scoring_audit (
  seq bigint primary key check (seq >= 1),
  at timestamptz not null,
  kind text not null,
  subject text not null,
  actor text not null,
  body text not null,
  prev_hash text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text not null unique check (hash ~ '^[0-9a-f]{64}$')
);
create index scoring_audit_by_subject on scoring_audit (subject, seq desc);

-- Scores move money and end contracts: their inputs and their trail are append-only.
create function scoring_append_only() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name;
end;
$$;
create trigger scoring_inspections_append_only before update or delete on scoring_inspections
  for each row execute function scoring_append_only();
create trigger scoring_rectification_notices_append_only before update or delete on scoring_rectification_notices
  for each row execute function scoring_append_only();
create trigger scoring_rectification_outcomes_append_only before update or delete on scoring_rectification_outcomes
  for each row execute function scoring_append_only();
create trigger scoring_complaints_append_only before update or delete on scoring_complaints
  for each row execute function scoring_append_only();
create trigger scoring_complaint_conclusions_append_only before update or delete on scoring_complaint_conclusions
  for each row execute function scoring_append_only();
create trigger scoring_commendations_append_only before update or delete on scoring_commendations
  for each row execute function scoring_append_only();
create trigger scoring_surveys_append_only before update or delete on scoring_surveys
  for each row execute function scoring_append_only();
create trigger scoring_leadership_reviews_append_only before update or delete on scoring_leadership_reviews
  for each row execute function scoring_append_only();
create trigger scoring_appeals_append_only before update or delete on scoring_appeals
  for each row execute function scoring_append_only();
create trigger scoring_appeal_decisions_append_only before update or delete on scoring_appeal_decisions
  for each row execute function scoring_append_only();
create trigger scoring_scorecards_append_only before update or delete on scoring_scorecards
  for each row execute function scoring_append_only();
create trigger scoring_audit_append_only before update or delete on scoring_audit
  for each row execute function scoring_append_only();
-- Row triggers do not see TRUNCATE.
create trigger scoring_audit_no_truncate before truncate on scoring_audit
  for each statement execute function scoring_append_only();
create trigger scoring_scorecards_no_truncate before truncate on scoring_scorecards
  for each statement execute function scoring_append_only();
