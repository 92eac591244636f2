-- Adjustments recorded in the same instant (a correction entered right after the original, or a
-- clock of coarse resolution) keep the order they were recorded in: a correction always lists
-- after what it corrects.
alter table energy_adjustments add column seq bigint generated always as identity;
