-- refuse_change(reason) ends the statement that calls it with the error
-- SQLSTATE SV001 (and that message), so that all the statement has
-- written is undone. A submission made in one statement outside a
-- transaction (store.SubmitResponse) calls it when a score cell it
-- updates would have to be computed again from the answers; the store
-- then makes the submission again in a transaction, which does that.
CREATE FUNCTION refuse_change(reason TEXT) RETURNS INTEGER
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'SV001', MESSAGE = reason;
END
$$;
