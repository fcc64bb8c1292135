//! The upload records in SQLite (WAL mode), one row per accepted upload.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OpenFlags, Row};

use super::record::{decode_queries, encode_queries, Record, Rescreened};
use crate::output::CliError;

/// The database of upload records; one connection behind a lock (writes are
/// short; SQLite serialises them anyway).
pub struct Database {
    conn: Mutex<Connection>,
}

impl From<rusqlite::Error> for CliError {
    fn from(err: rusqlite::Error) -> Self {
        CliError(format!("upload database: {err}"))
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    time INTEGER NOT NULL,
    md5 TEXT NOT NULL,
    sha1 TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    pdq TEXT,
    quality INTEGER,
    queries BLOB NOT NULL,
    perceptual INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    reasons TEXT NOT NULL,
    rescreen_filter TEXT,
    rescreen_time INTEGER,
    rescreen_verdict TEXT,
    rescreen_reasons TEXT
);
CREATE INDEX IF NOT EXISTS uploads_sha256 ON uploads (sha256);
";

const COLUMNS: &str = "id, name, size, time, md5, sha1, sha256, pdq, quality, queries, perceptual, verdict, reasons, \
                       rescreen_filter, rescreen_time, rescreen_verdict, rescreen_reasons";

fn json_column(text: String) -> serde_json::Value {
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

fn record(row: &Row<'_>) -> rusqlite::Result<Record> {
    let rescreen_filter: Option<String> = row.get(13)?;
    let rescreened = match rescreen_filter {
        Some(filter) => Some(Rescreened {
            filter,
            time: row.get::<_, i64>(14)? as u64,
            verdict: row.get(15)?,
            reasons: json_column(row.get(16)?),
        }),
        None => None,
    };
    Ok(Record {
        id: row.get(0)?,
        name: row.get(1)?,
        size: row.get::<_, i64>(2)? as u64,
        time: row.get::<_, i64>(3)? as u64,
        md5: row.get(4)?,
        sha1: row.get(5)?,
        sha256: row.get(6)?,
        pdq: row.get(7)?,
        quality: row.get(8)?,
        queries: decode_queries(&row.get::<_, Vec<u8>>(9)?),
        perceptual: row.get(10)?,
        verdict: row.get(11)?,
        reasons: json_column(row.get(12)?),
        rescreened,
    })
}

impl Database {
    /// Opens the database file at `path` (which must exist: the store creates
    /// it 0600), never through a symlink, in WAL mode.
    pub fn open(path: &Path) -> Result<Database, CliError> {
        let flags =
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NOFOLLOW | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Database { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Inserts the records of one request in one transaction; returns their ids.
    pub fn insert(&self, records: &[Record]) -> Result<Vec<i64>, CliError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut ids = Vec::with_capacity(records.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO uploads (name, size, time, md5, sha1, sha256, pdq, quality, queries, perceptual, verdict, reasons)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?;
            for r in records {
                insert.execute(params![
                    r.name,
                    r.size as i64,
                    r.time as i64,
                    r.md5,
                    r.sha1,
                    r.sha256,
                    r.pdq,
                    r.quality,
                    encode_queries(&r.queries),
                    r.perceptual,
                    r.verdict,
                    r.reasons.to_string(),
                ])?;
                ids.push(tx.last_insert_rowid());
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Every record in upload order, or only those whose current verdict is
    /// `block` or `flag` when `matching_only`.
    pub fn list(&self, matching_only: bool) -> Result<Vec<Record>, CliError> {
        let conn = self.conn();
        let filter = if matching_only { " WHERE coalesce(rescreen_verdict, verdict) IN ('block', 'flag')" } else { "" };
        let mut select = conn.prepare(&format!("SELECT {COLUMNS} FROM uploads{filter} ORDER BY id"))?;
        let records = select.query_map([], record)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(records)
    }

    /// Up to `limit` records after id `after` not yet re-screened with `filter`.
    pub fn page_not_screened_with(&self, filter: &str, after: i64, limit: usize) -> Result<Vec<Record>, CliError> {
        let conn = self.conn();
        let mut select = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM uploads WHERE id > ?1 AND rescreen_filter IS NOT ?2 ORDER BY id LIMIT ?3"
        ))?;
        let records =
            select.query_map(params![after, filter, limit as i64], record)?.collect::<rusqlite::Result<_>>()?;
        Ok(records)
    }

    /// Records the re-screening of each `(id, result)` in one transaction.
    pub fn set_rescreened(&self, results: &[(i64, Rescreened)]) -> Result<(), CliError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut update = tx.prepare_cached(
                "UPDATE uploads SET rescreen_filter = ?2, rescreen_time = ?3, rescreen_verdict = ?4, rescreen_reasons = ?5
                 WHERE id = ?1",
            )?;
            for (id, r) in results {
                update.execute(params![id, r.filter, r.time as i64, r.verdict, r.reasons.to_string()])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// How many records there are.
    pub fn count(&self) -> Result<u64, CliError> {
        let n: i64 = self.conn().query_row("SELECT count(*) FROM uploads", [], |row| row.get(0))?;
        Ok(n as u64)
    }
}
