-- Nothing on SQLite: refuse_change is for the submissions that PostgreSQL
-- makes in one statement outside a transaction (store.SubmitResponse); on
-- SQLite every submission is made in a transaction.
SELECT 1;
