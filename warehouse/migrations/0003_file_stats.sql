-- What each input file looked like when it was last hashed, so a re-run need not read it again to know its
-- content: a new table only, so an existing warehouse upgrades in place.
CREATE TABLE IF NOT EXISTS file_stats (
    path          VARCHAR PRIMARY KEY,   -- the file's real path, as the ingest found it
    device        UBIGINT NOT NULL,
    inode         UBIGINT NOT NULL,
    byte_size     BIGINT NOT NULL,
    mtime_ns      BIGINT NOT NULL,
    ctime_ns      BIGINT NOT NULL,
    sha256        VARCHAR NOT NULL,
    hashed_at_ns  BIGINT NOT NULL        -- when it was read: a change within the clock's step of it is not trusted
);
